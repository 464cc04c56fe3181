// Package content holds the data Oasis is built from, embedded into the
// binary: the scorer's lexicon, tips, trained weights and labelled corpus,
// and the courses with their lessons.
package content

import (
	"embed"
	"io/fs"
)

//go:embed scoring courses
var files embed.FS

// Scoring returns the scorer's directory: lexicon.yaml, tips.yaml,
// model.tsv and corpus/.
func Scoring() fs.FS { return sub("scoring") }

// Courses returns the courses directory: the bundled course files at its
// root (load them with course.Load(content.Courses(), lib)), their lessons
// under lessons/, course.schema.json, and testdata/ with a short course
// used by tests, which is not bundled as a course.
func Courses() fs.FS { return sub("courses") }

func sub(dir string) fs.FS {
	s, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the embedded directories always exist
	}
	return s
}
