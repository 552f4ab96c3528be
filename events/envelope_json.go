package events

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// AppendJSON appends the envelope's JSON, the same document json.Marshal
// gives, without reflection and without re-validating Data, which the event
// store has already validated. The relay encodes every event it publishes
// with it.
func (e *Envelope) AppendJSON(b []byte) []byte {
	b = append(b, `{"id":"`...)
	b = appendUUID(b, e.ID)
	b = append(b, `","type":`...)
	b = appendString(b, e.Type)
	b = append(b, `,"schemaVersion":`...)
	b = strconv.AppendInt(b, int64(e.SchemaVersion), 10)
	b = append(b, `,"streamId":`...)
	b = appendString(b, e.StreamID)
	b = append(b, `,"streamVersion":`...)
	b = strconv.AppendInt(b, e.StreamVersion, 10)
	b = append(b, `,"position":`...)
	b = strconv.AppendInt(b, e.Position, 10)
	b = append(b, `,"occurredAt":"`...)
	b = e.OccurredAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","actor":{"id":`...)
	b = appendString(b, e.Actor.ID)
	b = append(b, `,"role":`...)
	b = appendString(b, string(e.Actor.Role))
	if e.Actor.SchoolID != "" {
		b = append(b, `,"schoolId":`...)
		b = appendString(b, e.Actor.SchoolID)
	}
	b = append(b, `},"correlationId":"`...)
	b = appendUUID(b, e.CorrelationID)
	b = append(b, `","causationId":"`...)
	b = appendUUID(b, e.CausationID)
	b = append(b, `","data":`...)
	if len(e.Data) == 0 {
		b = append(b, "null"...)
	} else {
		b = append(b, e.Data...)
	}
	return append(b, '}')
}

const hex = "0123456789abcdef"

// appendUUID appends u in its canonical 36-character form.
func appendUUID(b []byte, u uuid.UUID) []byte {
	var buf [36]byte
	hexBytes := func(dst []byte, src []byte) {
		for i, c := range src {
			dst[2*i], dst[2*i+1] = hex[c>>4], hex[c&0xF]
		}
	}
	hexBytes(buf[0:8], u[0:4])
	buf[8] = '-'
	hexBytes(buf[9:13], u[4:6])
	buf[13] = '-'
	hexBytes(buf[14:18], u[6:8])
	buf[18] = '-'
	hexBytes(buf[19:23], u[8:10])
	buf[23] = '-'
	hexBytes(buf[24:36], u[10:16])
	return append(b, buf[:]...)
}

// appendString appends s as a JSON string, escaping as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			if r == utf8.RuneError {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
