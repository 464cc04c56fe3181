package score_test

import (
	"bytes"
	"io/fs"
	"testing"

	"oasis/content"
	"oasis/engine/sbcm"
	"oasis/engine/score"
)

func readSplit(t *testing.T, name string) []score.Example {
	t.Helper()
	f, err := content.Scoring().Open("corpus/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	exs, err := score.ReadCorpus(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return exs
}

// TestCorpusSplit enforces the held-out split: every line sits on the side
// its text hashes to, so no utterance can be both trained on and tested on.
func TestCorpusSplit(t *testing.T) {
	train, held := readSplit(t, "train.jsonl"), readSplit(t, "heldout.jsonl")
	for _, ex := range train {
		if score.HeldOut(ex.Text) {
			t.Errorf("train.jsonl has a held-out utterance: %q", ex.Text)
		}
	}
	for _, ex := range held {
		if !score.HeldOut(ex.Text) {
			t.Errorf("heldout.jsonl has a training utterance: %q", ex.Text)
		}
	}
	total := len(train) + len(held)
	if total < 1200 {
		t.Errorf("corpus has %d utterances, want at least 1,200", total)
	}
	if share := float64(len(held)) / float64(total); share < 0.20 {
		t.Errorf("held-out share is %.2f, want at least 0.20", share)
	}
	counts := map[sbcm.Focus]int{}
	for _, ex := range append(train, held...) {
		counts[ex.Focus]++
	}
	for _, f := range sbcm.Foci {
		if counts[f] < 150 {
			t.Errorf("%d utterances labelled %s, want at least 150", counts[f], f)
		}
	}
}

func TestHeldOutIsAFunctionOfTheWords(t *testing.T) {
	// Case and punctuation do not move a line across the split.
	for _, text := range []string{"What has helped you before?", "Are you safe tonight?", "See you Tuesday."} {
		variants := []string{text, "  " + text + "!!", bytesUpper(text)}
		for _, v := range variants {
			if score.HeldOut(v) != score.HeldOut(text) {
				t.Errorf("%q and %q fall on different sides", v, text)
			}
		}
	}
}

func bytesUpper(s string) string { return string(bytes.ToUpper([]byte(s))) }

// TestWeightsAreCurrent retrains from the training split and checks the
// result is the committed weights file: the weights are reproducible and
// nobody has edited the corpus or the lexicon without retraining.
func TestWeightsAreCurrent(t *testing.T) {
	train := readSplit(t, "train.jsonl")
	m, err := score.TrainScorer(content.Scoring(), train, score.TrainConfig{})
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := m.WriteTo(&got); err != nil {
		t.Fatal(err)
	}
	want, err := fs.ReadFile(content.Scoring(), score.ModelFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Error("content/scoring/model.tsv is not what training produces now; run `go run ./cmd/oasis score train` and commit the result")
	}
}
