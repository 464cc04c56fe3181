package scenario

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// FuzzParse feeds the loader arbitrary bytes. It must never panic, must
// report problems as an ErrorList whose entries name the file, and what it
// accepts must be internally consistent: every goto lands on a beat and
// every transition list ends with a default.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile("testdata/mini.yaml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("kind: case\n"))
	f.Add([]byte("kind: roleplay\nmeters: {rapport: {start: 1}}\nbeats: [{id: a, line: x, end: o}]\noutcomes: [{id: o, title: t, rating: good}]\n"))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte("a: &a [*a]"))
	f.Add([]byte(strings.Repeat("- ", 500)))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not a non-empty ErrorList: %v", err, err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Msg == "" {
					t.Fatalf("error without file or message: %#v", e)
				}
			}
			return
		}
		rp, ok := sc.(*Roleplay)
		if !ok {
			return
		}
		if _, ok := rp.Beat(rp.Start); !ok {
			t.Fatalf("accepted a role play whose start beat %q does not exist", rp.Start)
		}
		for _, b := range rp.Beats {
			if len(b.Lines) == 0 {
				t.Fatalf("accepted beat %q without lines", b.ID)
			}
			if b.End != "" {
				if _, ok := rp.Outcome(b.End); !ok {
					t.Fatalf("accepted end beat with unknown outcome %q", b.End)
				}
				continue
			}
			if len(b.Transitions) == 0 || b.Transitions[len(b.Transitions)-1].When != nil {
				t.Fatalf("accepted beat %q without a default transition", b.ID)
			}
			for _, tr := range b.Transitions {
				if _, ok := rp.Beat(tr.Goto); !ok {
					t.Fatalf("accepted goto to unknown beat %q", tr.Goto)
				}
				if tr.When != nil && tr.When.Program == nil {
					t.Fatalf("accepted an uncompiled condition %q", tr.When.Source)
				}
			}
		}
	})
}
