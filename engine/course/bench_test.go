package course_test

import (
	"testing"

	"oasis/content"
	"oasis/engine/course"
)

// BenchmarkLoadCatalog loads the bundled courses from the embedded files,
// rendering every lesson, with the scenario library already loaded (the
// shape of server start-up).
func BenchmarkLoadCatalog(b *testing.B) {
	lib := library(b)
	fsys := content.Courses()
	b.ReportAllocs()
	for b.Loop() {
		cat, err := course.Load(fsys, lib)
		if err != nil {
			b.Fatal(err)
		}
		if len(cat.Order) != 2 {
			b.Fatalf("loaded %v", cat.Order)
		}
	}
}
