package domain_test

import (
	"reflect"
	"testing"

	"wsms/events/mentoring"
	"wsms/mentoring/app"
	"wsms/mentoring/domain"
	"wsms/platform/decider"
)

func TestPublishingCountsVersionsFromTwo(t *testing.T) {
	t.Parallel()
	c := numeracyFramework()
	want := func(version int) mentoring.FrameworkPublished {
		return mentoring.FrameworkPublished{Version: version, Name: c.Name, Domains: c.Domains, Scale: c.Scale}
	}
	for _, tc := range []struct {
		name  string
		given []any
		want  int
	}{
		{"first publication", nil, 2},
		{"after version 2", published(t, numeracyFramework()), 3},
		{"after versions 2 and 3", published(t, numeracyFramework(), numeracyFramework()), 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := app.PublishFramework.Run(tc.given, numeracyFramework(), faculty)
			thenEvents(t, got, err, want(tc.want))
		})
	}
}

func TestOnlyTheFacultyAndTheOfficePublishTheFramework(t *testing.T) {
	t.Parallel()
	t.Run("office", func(t *testing.T) {
		t.Parallel()
		got, err := app.PublishFramework.Run(nil, numeracyFramework(), office)
		if err != nil || len(got) != 1 {
			t.Fatalf("then %#v / %v, want version 2", got, err)
		}
	})
	thenForbiddenTo(t, actorsBut(faculty, office), func(m decider.Meta) ([]any, error) {
		return app.PublishFramework.Run(nil, numeracyFramework(), m)
	})
}

func TestPublishingRefusesAMalformedFramework(t *testing.T) {
	t.Parallel()
	thenEachInvalid(t, nil, app.PublishFramework, numeracyFramework, faculty, []invalid[domain.PublishFramework]{
		{"no name", func(c *domain.PublishFramework) { c.Name = " " }, "name", "required"},
		{"long name", func(c *domain.PublishFramework) { c.Name = long(201) }, "name", "max_length"},
		{"no domains", func(c *domain.PublishFramework) { c.Domains = nil }, "domains", "count"},
		{"13 domains", func(c *domain.PublishFramework) { c.Domains = domainsOf(13) }, "domains", "count"},
		{"upper-case id", func(c *domain.PublishFramework) { c.Domains[0].ID = "Number_sense" }, "domains[0].id", "identifier"},
		{"id starting with a digit", func(c *domain.PublishFramework) { c.Domains[1].ID = "2nd_domain" }, "domains[1].id", "identifier"},
		{"id with a hyphen", func(c *domain.PublishFramework) { c.Domains[1].ID = "data-talk" }, "domains[1].id", "identifier"},
		{"id of 41 characters", func(c *domain.PublishFramework) { c.Domains[0].ID = "d" + long(40) }, "domains[0].id", "identifier"},
		{"empty id", func(c *domain.PublishFramework) { c.Domains[0].ID = "" }, "domains[0].id", "identifier"},
		{"id used twice", func(c *domain.PublishFramework) { c.Domains[1].ID = c.Domains[0].ID }, "domains[1].id", "unique"},
		{"domain without a name", func(c *domain.PublishFramework) { c.Domains[1].Name = "" }, "domains[1].name", "required"},
		{"blank indicator", func(c *domain.PublishFramework) {
			c.Domains[0].Indicators = append(c.Domains[0].Indicators, " ")
		}, "domains[0].indicators[1]", "required"},
		{"no scale", func(c *domain.PublishFramework) { c.Scale = nil }, "scale", "count"},
		{"one level", func(c *domain.PublishFramework) { c.Scale = scaleOf(1) }, "scale", "count"},
		{"eight levels", func(c *domain.PublishFramework) { c.Scale = scaleOf(8) }, "scale", "count"},
		{"scale from 0", func(c *domain.PublishFramework) {
			for i := range c.Scale {
				c.Scale[i].Value = i
			}
		}, "scale[0].value", "consecutive"},
		{"scale skipping 3", func(c *domain.PublishFramework) { c.Scale[2].Value, c.Scale[3].Value, c.Scale[4].Value = 4, 5, 6 }, "scale[2].value", "consecutive"},
		{"scale from high to low", func(c *domain.PublishFramework) {
			for i := range c.Scale {
				c.Scale[i].Value = len(c.Scale) - i
			}
		}, "scale[0].value", "consecutive"},
		{"level without a label", func(c *domain.PublishFramework) { c.Scale[3].Label = "" }, "scale[3].label", "required"},
	})
}

func TestPublishingAcceptsTheBoundsOfAFramework(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		build func() domain.PublishFramework
	}{
		{"one domain, two levels", func() domain.PublishFramework {
			return domain.PublishFramework{Name: "Minimal", Domains: domainsOf(1), Scale: scaleOf(2)}
		}},
		{"twelve domains, seven levels", func() domain.PublishFramework {
			return domain.PublishFramework{Name: "Maximal", Domains: domainsOf(12), Scale: scaleOf(7)}
		}},
		{"id of 40 characters, domain without indicators", func() domain.PublishFramework {
			c := numeracyFramework()
			c.Domains[0].ID, c.Domains[1].Indicators = "d"+long(39), nil
			return c
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := tc.build()
			got, err := app.PublishFramework.Run(nil, c, faculty)
			thenEvents(t, got, err, mentoring.FrameworkPublished{Version: 2, Name: c.Name, Domains: c.Domains, Scale: c.Scale})
		})
	}
}

func TestFrameworkVersionFindsEveryPublishedVersion(t *testing.T) {
	t.Parallel()
	minimal := domain.PublishFramework{Name: "Minimal", Domains: domainsOf(1), Scale: scaleOf(2)}
	given := published(t, numeracyFramework(), minimal)
	for _, tc := range []struct {
		name    string
		given   []any
		version int
		want    string // the name of the version found; "" for none
	}{
		{"default, nothing published", nil, 1, mentoring.DefaultFramework().Name},
		{"2, nothing published", nil, 2, ""},
		{"0", given, 0, ""},
		{"negative", given, -1, ""},
		{"default, after publications", given, 1, mentoring.DefaultFramework().Name},
		{"2", given, 2, numeracyFramework().Name},
		{"3", given, 3, minimal.Name},
		{"4, not yet published", given, 4, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fw, ok := framework(tc.given).Version(tc.version)
			if ok != (tc.want != "") || fw.Name != tc.want {
				t.Fatalf("Version(%d) = %q, %v; want %q", tc.version, fw.Name, ok, tc.want)
			}
			if ok && fw.Version != tc.version {
				t.Fatalf("Version(%d) returned version %d", tc.version, fw.Version)
			}
		})
	}
	if latest := framework(given).Latest(); latest != 3 {
		t.Errorf("Latest() = %d after two publications, want 3", latest)
	}
	if latest := (domain.Framework{}).Latest(); latest != 1 {
		t.Errorf("Latest() = %d with nothing published, want 1", latest)
	}
}

func TestTheDefaultFrameworkIsAValidFramework(t *testing.T) {
	t.Parallel()
	d := mentoring.DefaultFramework()
	if d.Version != 1 {
		t.Fatalf("default version %d", d.Version)
	}
	got, err := app.PublishFramework.Run(nil, domain.PublishFramework{Name: d.Name, Domains: d.Domains, Scale: d.Scale}, faculty)
	if err != nil {
		t.Fatalf("the default framework breaks the publishing rules: %v", err)
	}
	republished := got[0].(mentoring.FrameworkPublished)
	republished.Version = 1
	if !reflect.DeepEqual(republished, d) {
		t.Fatalf("republished %#v", republished)
	}
}
