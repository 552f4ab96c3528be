package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"wsms/gateway"
	"wsms/gateway/auth"
	"wsms/gateway/graph"
	"wsms/projections"
	"wsms/projections/readmodels"
)

// querySide is what runs beside the command services: the projections that
// build the read models, and the gateway that serves them.
type querySide struct {
	projections, gateway bool
}

// start runs the parts q names until ctx ends. The returned address is the
// GraphQL API's, when the gateway runs.
func (q querySide) start(ctx context.Context, s settings, in *infrastructure, log *slog.Logger) (<-chan error, string, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	all := readmodels.All()
	var tasks []func(context.Context) error
	if q.projections {
		js, err := jetstream.New(in.nc)
		if err != nil {
			return nil, "", err
		}
		runner := projections.NewRunner(in.db, js, projections.RunnerConfig{Namespace: s.Namespace, Metrics: projections.NewMetrics(reg)}, log)
		tasks = append(tasks, func(ctx context.Context) error { return runner.Run(ctx, all...) })
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	if q.gateway {
		tokens, err := s.tokens(log)
		if err != nil {
			return nil, "", err
		}
		verifier, err := auth.New(tokens, http.DefaultClient)
		if err != nil {
			return nil, "", err
		}
		watcher := projections.NewWatcher(in.db, all, log)
		tasks = append(tasks, watcher.Run)
		resolver := &graph.Resolver{
			NATS: in.nc, Namespace: s.Namespace, DB: in.db, Watcher: watcher,
			ReadWait: s.ReadWait, CommandTimeout: s.CommandTimeout,
		}
		mux.Handle("/", gateway.Handler(resolver, verifier, gateway.DefaultLimits, log))
	}
	ln, err := net.Listen("tcp", s.HTTPAddr)
	if err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", s.HTTPAddr, err)
	}
	srv := gateway.NewServer(mux, gateway.DefaultLimits)
	tasks = append(tasks, func(ctx context.Context) error {
		go func() {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdown)
		}()
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	done := make(chan error, 1)
	results := make(chan error, len(tasks))
	for _, task := range tasks {
		go func() { results <- task(ctx) }()
	}
	go func() {
		var errs []error
		for range tasks {
			errs = append(errs, <-results)
		}
		done <- errors.Join(errs...)
	}()
	return done, ln.Addr().String(), nil
}
