package scenario

import (
	"testing"

	"oasis/engine/scenario/scenariotest"
)

// BenchmarkLoad1000 loads and validates 1,000 role plays of 30 beats each,
// as one library (the shape of `oasis validate` on a large library).
func BenchmarkLoad1000(b *testing.B) {
	files := make([][]byte, 1000)
	size := 0
	for i := range files {
		files[i] = scenariotest.Roleplay(i, 30)
		size += len(files[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		l := NewLoader()
		for i, f := range files {
			l.Add(string(rune('a'+i%26))+".yaml", f)
		}
		lib, err := l.Library()
		if err != nil {
			b.Fatal(err)
		}
		if len(lib.Roleplays) != 1000 {
			b.Fatalf("loaded %d", len(lib.Roleplays))
		}
	}
}

func TestGeneratedRoleplayIsValid(t *testing.T) {
	for _, beats := range []int{3, 30} {
		if _, err := Parse("gen.yaml", scenariotest.Roleplay(7, beats)); err != nil {
			t.Fatalf("%d beats: %v", beats, err)
		}
	}
}
