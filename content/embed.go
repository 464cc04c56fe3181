// Package content holds the data Oasis is built from, embedded into the
// binary: the scorer's lexicon, tips, trained weights and labelled corpus,
// and (later) the courses and their lessons.
package content

import (
	"embed"
	"io/fs"
)

//go:embed scoring
var files embed.FS

// Scoring returns the scorer's directory: lexicon.yaml, tips.yaml,
// model.tsv and corpus/.
func Scoring() fs.FS {
	sub, err := fs.Sub(files, "scoring")
	if err != nil {
		panic(err) // the embedded directory always exists
	}
	return sub
}
