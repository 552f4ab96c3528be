package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"wsms/platform/eventstore"
	"wsms/platform/relay"
	"wsms/projections"
	"wsms/projections/readmodels"
)

const projectionsUsage = `Usage:
  wsms projections rebuild [flags] [NAME...]
        build the named read models (all when none is named) again from the
        event stores, while the running ones keep serving, and swap them in
  wsms projections status [flags] [NAME...]
        show how far each read model has read each service's events, and
        any event that stopped it

The flags are those of wsms run (-database-url, -nats-url, -namespace, …);
"wsms projections status -h" lists them.
`

// projectionsCommand operates the read models: rebuilds them, or tells how
// far they have come.
func projectionsCommand(ctx context.Context, args []string, log *slog.Logger) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, projectionsUsage)
		return errors.New("projections: say rebuild or status")
	}
	switch args[0] {
	case "rebuild":
		return rebuildProjections(ctx, args[1:], log)
	case "status":
		return projectionsStatus(ctx, args[1:], os.Stdout, log)
	case "help", "-h", "--help":
		fmt.Print(projectionsUsage)
		return nil
	}
	fmt.Fprint(os.Stderr, projectionsUsage)
	return fmt.Errorf("projections: unknown subcommand %q (rebuild, status)", args[0])
}

// chooseProjections returns the projections named, or all when none is.
func chooseProjections(all []projections.Projection, names []string) ([]projections.Projection, error) {
	if len(names) == 0 {
		return all, nil
	}
	byName := map[string]projections.Projection{}
	known := make([]string, len(all))
	for i, p := range all {
		byName[p.Name] = p
		known[i] = p.Name
	}
	var chosen []projections.Projection
	for _, n := range names {
		p, ok := byName[n]
		if !ok {
			list := strings.Join(known, ", ")
			if list == "" {
				list = "none yet"
			}
			return nil, fmt.Errorf("unknown projection %q; known: %s", n, list)
		}
		chosen = append(chosen, p)
	}
	return chosen, nil
}

// projectionsOf reads the settings of `wsms projections verb`, the read
// models it names (every one when none is named), and connects to the
// database and NATS they live on.
func projectionsOf(ctx context.Context, verb string, args []string, log *slog.Logger) (settings, []projections.Projection, *infrastructure, error) {
	s, names, err := loadSettings("projections "+verb, args)
	if err != nil {
		return s, nil, nil, err
	}
	ps, err := chooseProjections(readmodels.All(), names)
	if err != nil {
		return s, nil, nil, err
	}
	in, err := connect(ctx, s, true, log)
	return s, ps, in, err
}

func rebuildProjections(ctx context.Context, args []string, log *slog.Logger) error {
	_, ps, in, err := projectionsOf(ctx, "rebuild", args, log)
	if err != nil {
		return err
	}
	defer in.close()
	// One after another: each rebuild uses the database fully already. A
	// read model that cannot be rebuilt does not keep the others from it.
	var failed []error
	for _, p := range ps {
		bar := &progressBar{w: os.Stderr}
		err := projections.Rebuild(ctx, in.db, p, bar.show)
		bar.end()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, " rebuild %s failed: %v\n", p.Name, err)
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// progressBar draws a rebuild's progress on one terminal line.
type progressBar struct {
	w        io.Writer
	last     time.Time
	lastDone int64
	width    int // of the last line drawn, to blank what a shorter one leaves
}

// show draws p, at most ten times a second, and at once when it is done.
func (b *progressBar) show(p projections.Progress) {
	finished := p.Done == p.Total && (b.width == 0 || p.Done != b.lastDone)
	if time.Since(b.last) < 100*time.Millisecond && !finished {
		return
	}
	b.last, b.lastDone = time.Now(), p.Done
	line := progressLine(p)
	fmt.Fprint(b.w, "\r"+line+strings.Repeat(" ", max(0, b.width-len(line))))
	b.width = len(line)
}

func (b *progressBar) end() {
	if b.width > 0 {
		fmt.Fprintln(b.w)
	}
}

// progressLine is " rebuild NAME [#########           ]  45%  12,345/27,000
// events  8,432 events/s".
func progressLine(p projections.Progress) string {
	const width = 20
	frac := 1.0
	if p.Total > 0 {
		frac = min(1, float64(p.Done)/float64(p.Total))
	}
	filled := int(frac * width)
	return fmt.Sprintf(" rebuild %s [%s%s] %3d%%  %s/%s events  %s events/s", p.Projection,
		strings.Repeat("#", filled), strings.Repeat(" ", width-filled), int(frac*100),
		thousands(p.Done), thousands(p.Total), thousands(int64(p.Rate)))
}

// thousands writes n with commas between groups of three digits.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func projectionsStatus(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	s, ps, in, err := projectionsOf(ctx, "status", args, log)
	if err != nil {
		return err
	}
	defer in.close()
	js, err := jetstream.New(in.nc)
	if err != nil {
		return err
	}
	heads := map[string]string{}
	head := func(service string) string {
		if h, ok := heads[service]; ok {
			return h
		}
		n, err := eventstore.New(in.db, service).Head(ctx)
		heads[service] = thousands(n)
		if err != nil {
			heads[service] = "? (" + err.Error() + ")"
		}
		return heads[service]
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, p := range ps {
		fmt.Fprintln(tw, p.Name)
		var built bool
		if err := in.db.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", p.Schema()).Scan(&built); err != nil {
			return err
		}
		if !built {
			fmt.Fprintln(tw, "  not built yet: a runner builds it when it starts")
			continue
		}
		cps, err := projections.Checkpoints(ctx, in.db, p)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		for _, svc := range p.Services {
			fmt.Fprintf(tw, "  %s\tat %s\tof %s\t%s\n", svc, thousands(cps[svc]), head(svc), consumerState(ctx, js, s.Namespace, svc, p.Name))
		}
		stop, err := projections.Stopped(ctx, in.db, p.Name)
		if err != nil {
			return err
		}
		if stop != nil {
			fmt.Fprintf(tw, "  STOPPED at %s position %d, event %s (%s): %v\n", stop.Service, stop.Position, stop.EventID, stop.Type, stop.Err)
		}
	}
	return tw.Flush()
}

// consumerState tells where the projection's durable consumer on service's
// stream stands.
func consumerState(ctx context.Context, js jetstream.JetStream, namespace, service, name string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	c, err := js.Consumer(ctx, relay.StreamName(namespace, service), name)
	if errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
		return "no consumer yet"
	}
	if err != nil {
		return "consumer unknown: " + err.Error()
	}
	info := c.CachedInfo()
	return fmt.Sprintf("consumer acknowledged %s, %s to deliver", thousands(int64(info.AckFloor.Stream)), thousands(int64(info.NumPending)))
}
