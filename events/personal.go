package events

import (
	"reflect"
	"strings"
)

// Personal data is marked on payload fields with the struct tag
// `wsms:"personal"`, and the field naming the person it belongs to with
// `wsms:"person"`. Erasure on request encrypts marked fields with a key per
// person and destroys the key, so history is never rewritten; the marking is
// what tells that machinery which fields to protect.
const (
	tagKey      = "wsms"
	tagPersonal = "personal"
	tagPerson   = "person"
)

// PersonalData lists where a payload type keeps personal data: the JSON
// paths of its marked fields (nested structs and slices included, a slice
// shown as "[]") and the path of the field naming the person.
type PersonalData struct {
	Person string
	Fields []string
}

// PersonalFields reports the personal-data marking of payload's type.
func PersonalFields(payload any) PersonalData {
	var pd PersonalData
	walkPersonal(reflect.TypeOf(payload), "", &pd)
	return pd
}

func walkPersonal(t reflect.Type, prefix string, pd *PersonalData) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		if t.Kind() != reflect.Pointer {
			prefix += "[]"
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		switch f.Tag.Get(tagKey) {
		case tagPersonal:
			pd.Fields = append(pd.Fields, path)
		case tagPerson:
			pd.Person = path
		default:
			walkPersonal(f.Type, path, pd)
		}
	}
}
