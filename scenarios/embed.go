// Package scenarios holds the role plays and practice cases bundled into
// the oasis binary, and the JSON Schema authors use to write new ones.
package scenarios

import (
	"embed"

	"oasis/engine/scenario"
)

// FS holds the bundled scenario files and schema.json.
//
//go:embed *.yaml schema.json
var FS embed.FS

// Load loads every bundled scenario.
func Load() (*scenario.Library, error) {
	return scenario.Load(FS, ".")
}
