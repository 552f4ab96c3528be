package command

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/micro"

	"wsms/events"
	"wsms/platform/errs"
	"wsms/platform/eventstore"
)

// Endpoint is one command, or one question, as served over NATS
// request/reply.
type Endpoint struct {
	Name string
	// Input is the command's (or question's) Go type, which the gateway's
	// GraphQL input types are generated from.
	Input  reflect.Type
	Kind   Kind
	handle func(ctx context.Context, data []byte) (any, error)
}

// Kind tells a command, which records events, from a question, which
// records nothing.
type Kind int

// The kinds of endpoint.
const (
	KindCommand Kind = iota
	KindQuestion
)

// Serve turns u into an endpoint executed by x.
func Serve[S, C any](x *Executor, u UseCase[S, C]) Endpoint {
	return Endpoint{Name: u.Name, Input: reflect.TypeFor[C](), handle: func(ctx context.Context, data []byte) (any, error) {
		var req Request[C]
		if err := DecodeStrict(data, &req); err != nil {
			return nil, err
		}
		return Execute(ctx, x, u, req)
	}}
}

// Question is a request that records nothing and answers with a report,
// such as verifying a record's integrity.
type Question[Q any] struct {
	Query Q            `json:"query"`
	Actor events.Actor `json:"actor"`
}

// Answer turns a function into an endpoint that answers questions.
func Answer[Q, A any](name string, answer func(ctx context.Context, q Question[Q]) (A, error)) Endpoint {
	return Endpoint{Name: name, Input: reflect.TypeFor[Q](), Kind: KindQuestion, handle: func(ctx context.Context, data []byte) (any, error) {
		var q Question[Q]
		if err := DecodeStrict(data, &q); err != nil {
			return nil, err
		}
		if q.Actor.ID == "" || !q.Actor.Role.Valid() {
			return nil, errs.Newf(errs.Unauthenticated, "%s: the question names no known actor and role", name)
		}
		return answer(ctx, q)
	}}
}

// Subject is where a service listens for a command.
func Subject(namespace, service, command string) string {
	return namespace + ".cmd." + service + "." + command
}

// ServiceConfig names a command service and bounds its work.
type ServiceConfig struct {
	Namespace string
	Service   string
	Version   string
	// Concurrency bounds the commands handled at once by this replica.
	Concurrency int
	// Timeout bounds one command.
	Timeout time.Duration
}

// Server serves a service's commands.
type Server struct {
	svc      micro.Service
	mu       sync.Mutex
	stopping bool
	inFlight sync.WaitGroup
}

// Stop stops taking commands and waits for those in hand to finish. A
// request still buffered when it stops is answered that the service is
// stopping, so its sender can send it again to another replica.
func (s *Server) Stop() error {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	err := s.svc.Stop()
	s.inFlight.Wait()
	return err
}

// begin admits a request unless the server is stopping.
func (s *Server) begin() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return false
	}
	s.inFlight.Add(1)
	return true
}

// Start registers the endpoints as a NATS micro service. Replicas share the
// queue group "<namespace>.<service>", so any number of them split the load.
// Each command runs under ctx, bounded by cfg.Timeout.
func Start(ctx context.Context, nc *nats.Conn, cfg ServiceConfig, log *slog.Logger, endpoints ...Endpoint) (*Server, error) {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 64
	}
	if cfg.Version == "" {
		cfg.Version = "0.1.0"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	svc, err := micro.AddService(nc, micro.Config{
		Name:        cfg.Service,
		Version:     cfg.Version,
		Description: "Commands of the " + cfg.Service + " service",
		QueueGroup:  cfg.Namespace + "." + cfg.Service,
	})
	if err != nil {
		return nil, fmt.Errorf("start %s service: %w", cfg.Service, err)
	}
	s := &Server{svc: svc}
	slots := make(chan struct{}, cfg.Concurrency)
	for _, ep := range endpoints {
		handler := micro.HandlerFunc(func(req micro.Request) {
			// A subscription's callbacks run one at a time; commands on
			// different streams need not wait for each other.
			if !s.begin() {
				_ = req.Error("503", "the service is stopping: send the command again", nil)
				return
			}
			slots <- struct{}{}
			go func() {
				defer func() { <-slots; s.inFlight.Done() }()
				cctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
				defer cancel()
				result, err := ep.handle(cctx, req.Data())
				respond(req, result, err, log.With("command", ep.Name))
			}()
		})
		if err := svc.AddEndpoint(ep.Name, handler, micro.WithEndpointSubject(Subject(cfg.Namespace, cfg.Service, ep.Name))); err != nil {
			_ = svc.Stop()
			return nil, fmt.Errorf("add endpoint %s: %w", ep.Name, err)
		}
	}
	return s, nil
}

// statusOf maps an error code to the status in micro's error header.
var statusOf = map[errs.Code]string{
	errs.Validation: "400", errs.Unauthenticated: "401", errs.Forbidden: "403",
	errs.NotFound: "404", errs.Conflict: "409", errs.Internal: "500",
}

func respond(req micro.Request, result any, err error, log *slog.Logger) {
	if err == nil {
		if err := req.RespondJSON(result); err != nil {
			log.Error("reply", "err", err)
		}
		return
	}
	e := errs.As(err)
	if e.Code == errs.Internal {
		// The details of an internal failure stay in the log.
		log.Error("command failed", "err", err)
		e = errs.Newf(errs.Internal, "the command could not be completed, and whether it was recorded is not known: "+
			"send it again with the same idempotency key to learn its outcome")
	}
	body, _ := json.Marshal(e)
	if err := req.Error(statusOf[e.Code], e.Message, body); err != nil {
		log.Error("reply", "err", err)
	}
}

// Send sends a command to subject and waits for its result. A refusal comes
// back as the *errs.Error the service answered with.
func Send[C any](ctx context.Context, nc *nats.Conn, subject string, req Request[C]) (eventstore.Result, error) {
	return request[eventstore.Result](ctx, nc, subject, req)
}

// Ask sends a question to subject and waits for its answer.
func Ask[Q, A any](ctx context.Context, nc *nats.Conn, subject string, q Question[Q]) (A, error) {
	return request[A](ctx, nc, subject, q)
}

func request[A any](ctx context.Context, nc *nats.Conn, subject string, body any) (A, error) {
	var answer A
	data, err := json.Marshal(body)
	if err != nil {
		return answer, err
	}
	msg, err := nc.RequestWithContext(ctx, subject, data)
	if errors.Is(err, nats.ErrNoResponders) {
		return answer, errs.Newf(errs.Internal, "no service is listening on %s", subject)
	}
	if err != nil {
		return answer, fmt.Errorf("send %s: %w", subject, err)
	}
	if msg.Header.Get(micro.ErrorCodeHeader) != "" {
		var e errs.Error
		if err := json.Unmarshal(msg.Data, &e); err != nil || e.Code == "" {
			return answer, errs.Newf(errs.Internal, "%s: %s", subject, msg.Header.Get(micro.ErrorHeader))
		}
		return answer, &e
	}
	if err := json.Unmarshal(msg.Data, &answer); err != nil {
		return answer, fmt.Errorf("read reply of %s: %w", subject, err)
	}
	return answer, nil
}
