package events

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
)

// namePattern is the shape of every event type name:
// <service>.<aggregate>.<event>.v<version>, lower case with underscores.
var namePattern = regexp.MustCompile(`^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.v([1-9][0-9]*)$`)

// Name is an event type name taken apart.
type Name struct {
	Service, Aggregate, Event string
	Version                   int
}

// ParseName splits "placement.school.registered.v1" into its parts.
func ParseName(s string) (Name, error) {
	m := namePattern.FindStringSubmatch(s)
	if m == nil {
		return Name{}, fmt.Errorf("event type name %q: want <service>.<aggregate>.<event>.v<N>", s)
	}
	v, _ := strconv.Atoi(m[4])
	return Name{Service: m[1], Aggregate: m[2], Event: m[3], Version: v}, nil
}

// Subject is the NATS subject an event of type name is published on:
// the prefix, then the name without its version, so a consumer filtering on
// "wsms.placement.school.>" keeps receiving an event after it gains a ".v2".
func Subject(prefix, name string) string {
	n, err := ParseName(name)
	if err != nil {
		return prefix + ".invalid"
	}
	return prefix + "." + n.Service + "." + n.Aggregate + "." + n.Event
}

// Upcaster turns the JSON of one version of an event into the JSON of the next.
type Upcaster func(old json.RawMessage) (json.RawMessage, error)

type upcast struct {
	to string
	fn Upcaster
}

// Registry knows every event type a process can read or write. It is filled
// at start-up by explicit Register calls of the event packages and read-only
// afterwards, so it needs no lock.
type Registry struct {
	types     map[string]reflect.Type
	names     map[reflect.Type]string
	upcasters map[string]upcast
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		types:     map[string]reflect.Type{},
		names:     map[reflect.Type]string{},
		upcasters: map[string]upcast{},
	}
}

// Define registers T, a plain struct, as the payload of the current version
// of event type name. Defining a name or a type twice is a programming error
// and panics at start-up, where it cannot go unnoticed.
func Define[T any](r *Registry, name string) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("events: %s: payload %s is not a struct", name, t))
	}
	if _, err := ParseName(name); err != nil {
		panic("events: " + err.Error())
	}
	if _, dup := r.types[name]; dup {
		panic(fmt.Sprintf("events: %s defined twice", name))
	}
	if _, dup := r.upcasters[name]; dup {
		panic(fmt.Sprintf("events: %s is an old version (it has an upcaster) and cannot be current", name))
	}
	if old, dup := r.names[t]; dup {
		panic(fmt.Sprintf("events: %s already names %s", old, t))
	}
	r.types[name] = t
	r.names[t] = name
}

// Upcast registers how to read the old version from as the next version to.
// Both must belong to the same event, and to must be exactly one version up,
// so that every old version reaches the current one through a chain of
// single steps, each with its own golden fixture.
func (r *Registry) Upcast(from, to string, fn Upcaster) {
	f, err := ParseName(from)
	if err != nil {
		panic("events: " + err.Error())
	}
	t, err := ParseName(to)
	if err != nil {
		panic("events: " + err.Error())
	}
	if f.Service != t.Service || f.Aggregate != t.Aggregate || f.Event != t.Event || t.Version != f.Version+1 {
		panic(fmt.Sprintf("events: upcaster %s -> %s must go one version up within one event", from, to))
	}
	if _, dup := r.upcasters[from]; dup {
		panic(fmt.Sprintf("events: upcaster from %s defined twice", from))
	}
	if _, cur := r.types[from]; cur {
		panic(fmt.Sprintf("events: %s is current and cannot be upcast", from))
	}
	r.upcasters[from] = upcast{to: to, fn: fn}
}

// Name returns the registered type name of payload.
func (r *Registry) Name(payload any) (string, error) {
	name, ok := r.names[reflect.TypeOf(payload)]
	if !ok {
		return "", fmt.Errorf("events: %T is not a registered event payload", payload)
	}
	return name, nil
}

// Encode returns the type name and JSON of payload.
func (r *Registry) Encode(payload any) (string, json.RawMessage, error) {
	name, err := r.Name(payload)
	if err != nil {
		return "", nil, err
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return "", nil, fmt.Errorf("encode %s: %w", name, err)
	}
	return name, data, nil
}

// Decode reads data recorded as type name, upcasting old versions step by step
// to the current one, and returns the payload as a value of its Go type.
func (r *Registry) Decode(name string, data json.RawMessage) (any, error) {
	for {
		if t, ok := r.types[name]; ok {
			p := reflect.New(t)
			if err := json.Unmarshal(data, p.Interface()); err != nil {
				return nil, fmt.Errorf("decode %s: %w", name, err)
			}
			return p.Elem().Interface(), nil
		}
		up, ok := r.upcasters[name]
		if !ok {
			return nil, fmt.Errorf("decode: unknown event type %q", name)
		}
		next, err := up.fn(data)
		if err != nil {
			return nil, fmt.Errorf("upcast %s to %s: %w", name, up.to, err)
		}
		name, data = up.to, next
	}
}

// Names lists every type name the registry reads, old versions included,
// sorted; the golden-fixture test walks it.
func (r *Registry) Names() []string {
	names := make([]string, 0, len(r.types)+len(r.upcasters))
	for n := range r.types {
		names = append(names, n)
	}
	for n := range r.upcasters {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
