// Package migrate applies versioned SQL files to PostgreSQL schemas, each
// file once, in name order, each in its own transaction. Files name no
// schema; the set says which schema they go to, so one event-store migration
// serves every service.
package migrate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Set is a folder of migrations (*.sql) and the schema it is applied to.
type Set struct {
	Schema string
	Files  fs.FS
}

// lockKey serialises migrations across processes starting at once.
const lockKey = 7_311_2024

// Apply brings every set up to date.
func Apply(ctx context.Context, db *pgxpool.Pool, sets ...Set) error {
	conn, err := db.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey) }()
	for _, s := range sets {
		if err := apply(ctx, conn.Conn(), s); err != nil {
			return fmt.Errorf("migrate %s: %w", s.Schema, err)
		}
	}
	return nil
}

func apply(ctx context.Context, conn *pgx.Conn, s Set) error {
	schema := pgx.Identifier{s.Schema}.Sanitize()
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE SCHEMA IF NOT EXISTS %[1]s;
		CREATE TABLE IF NOT EXISTS %[1]s.schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`, schema)); err != nil {
		return err
	}
	names, err := files(s.Files)
	if err != nil {
		return err
	}
	for _, name := range names {
		var done bool
		if err := conn.QueryRow(ctx, fmt.Sprintf("SELECT EXISTS (SELECT 1 FROM %s.schema_migrations WHERE name = $1)", schema), name).Scan(&done); err != nil {
			return err
		}
		if done {
			continue
		}
		sql, err := fs.ReadFile(s.Files, name)
		if err != nil {
			return err
		}
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "SET LOCAL search_path TO "+schema); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(sql)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, fmt.Sprintf("INSERT INTO %s.schema_migrations (name) VALUES ($1)", schema), name)
			return err
		}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func files(fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// Fingerprint identifies the content of sets: equal fingerprints, equal
// databases after Apply. Tests name their template database with it.
func Fingerprint(sets ...Set) (string, error) {
	h := sha256.New()
	for _, s := range sets {
		fmt.Fprintf(h, "schema %s\n", s.Schema)
		names, err := files(s.Files)
		if err != nil {
			return "", err
		}
		for _, name := range names {
			b, err := fs.ReadFile(s.Files, name)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(h, "file %s %d\n", name, len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}
