package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"wsms/placement/allocation"
)

// allocate solves a placement round from a JSON file and prints the result
// as indented JSON, the same bytes for the same round. A round that cannot
// be solved as given (malformed JSON, an unknown field, a broken rule) is
// reported on standard error, every problem on a line of its own, and ends
// wsms with status 2, so that scripts can tell bad input from a failure.
func allocate(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("wsms allocate", flag.ContinueOnError)
	inPath := fs.String("in", "", `the placement round as JSON ("-" for standard input)`)
	outPath := fs.String("out", "", "where to write the result (default: standard output)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: wsms allocate --in instance.json [--out result.json]\n\nSolves a placement round: the most students placed, then the smallest worst\nrank, the least sum of squared ranks and the least travel. Exit status 2 means\nthe round was refused; every problem is printed on its own line.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *inPath == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("allocate: give the round with --in FILE and nothing else")
	}

	round := stdin
	if *inPath != "-" {
		f, err := os.Open(*inPath)
		if err != nil {
			return fmt.Errorf("allocate: %w", err)
		}
		defer f.Close()
		round = f
	}
	in, err := allocation.Decode(round)
	if err != nil {
		fmt.Fprintf(os.Stderr, "wsms allocate: %s: %v\n", *inPath, err)
		return exitCode(2)
	}
	if err := in.Validate(); err != nil {
		problems := []error{err}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			problems = joined.Unwrap()
		}
		fmt.Fprintf(os.Stderr, "wsms allocate: %s: the round is refused (%s):\n", *inPath, plural(len(problems), "problem"))
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, p)
		}
		return exitCode(2)
	}
	res, err := allocation.Solve(in)
	if errors.Is(err, allocation.ErrRoundTooLarge) {
		fmt.Fprintf(os.Stderr, "wsms allocate: %s: %v\n", *inPath, err)
		return exitCode(2)
	}
	if err != nil {
		return fmt.Errorf("allocate %s: %w", *inPath, err)
	}

	out, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return fmt.Errorf("allocate: %w", err)
	}
	out = append(out, '\n')
	if *outPath == "" {
		_, err = io.Copy(stdout, bytes.NewReader(out))
		return err
	}
	if err := os.WriteFile(*outPath, out, 0o644); err != nil {
		return fmt.Errorf("allocate: %w", err)
	}
	return nil
}

// plural is "1 problem", "2 problems".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
