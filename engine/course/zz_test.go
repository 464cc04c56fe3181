package course_test

import (
	"testing"
	"testing/fstest"
	"time"

	"oasis/engine/course"
)

func TestZZBomb(t *testing.T) {
	src := `kind: course
id: x
a: &a {id: q, prompt: p, options: [{text: a}, {text: b}]}
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c {id: m, title: t, lesson: l.md, quiz: {pass: 1, questions: *b}}
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
modules: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
`
	start := time.Now()
	_, err := course.Load(fstest.MapFS{"c.yaml": {Data: []byte(src)}, "l.md": {Data: []byte("# x\n")}}, nil, "c.yaml")
	t.Log(time.Since(start), len(err.Error()))
}
