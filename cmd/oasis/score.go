package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"oasis/content"
	"oasis/engine/score"
)

const scoreUsage = `Usage:
  oasis score [--context LINE] "what the worker said"   label one utterance
  oasis score --jsonl < FILE                            label JSON lines: {"text": "...", "context": "..."}
  oasis score eval [--corpus FILE]                      evaluate on the held-out split (or FILE)
  oasis score train [--corpus FILE] [--out FILE]        retrain the weights from the training split`

func runScore(ctx context.Context, env *cli, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "eval":
			return runScoreEval(env, args[1:])
		case "train":
			return runScoreTrain(env, args[1:])
		}
	}
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprintln(env.stderr, scoreUsage) }
	jsonl := fs.Bool("jsonl", false, "read JSON lines from standard input, write one JSON result per line")
	context := fs.String("context", "", "the client's line the utterance answers")
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	s, err := score.Load(content.Scoring())
	if err != nil {
		return err
	}
	if *jsonl {
		return scoreJSONL(s, env.stdin, env.stdout)
	}
	text := strings.Join(fs.Args(), " ")
	if strings.TrimSpace(text) == "" {
		return &exitError{code: 2, msg: "oasis score: give the utterance to score, in quotes, or use --jsonl\n\n" + scoreUsage}
	}
	writeScore(env.stdout, text, s.Score(text, *context))
	return nil
}

// maxJSONLine is the longest input line --jsonl reads; a longer line gets
// an error object and processing goes on.
const maxJSONLine = 1 << 20

func scoreJSONL(s *score.Scorer, in io.Reader, out io.Writer) error {
	r := bufio.NewReaderSize(in, 64*1024)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(r)
		if err == io.EOF && len(line) == 0 && !tooLong {
			return nil
		}
		if err != nil && err != io.EOF {
			return err
		}
		var result any
		switch {
		case tooLong:
			result = map[string]string{"error": fmt.Sprintf("line %d is longer than %d bytes", n, maxJSONLine)}
		default:
			result = scoreLine(s, line, n)
		}
		if err := enc.Encode(result); err != nil {
			return err
		}
		if err == io.EOF {
			return nil
		}
	}
}

// readLine reads one line without its newline; tooLong reports a line
// over maxJSONLine, which is consumed and dropped.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, isPrefix, err := r.ReadLine()
		if len(line)+len(chunk) > maxJSONLine {
			tooLong = true
		} else {
			line = append(line, chunk...)
		}
		if err != nil || !isPrefix {
			if tooLong {
				line = nil
			}
			return line, tooLong, err
		}
	}
}

type scoreRequest struct {
	Text    *string `json:"text"`
	Context string  `json:"context"`
}

func scoreLine(s *score.Scorer, line []byte, n int) any {
	var req scoreRequest
	dec := json.NewDecoder(bytes.NewReader(line))
	if err := dec.Decode(&req); err != nil {
		return map[string]string{"error": fmt.Sprintf("line %d is not a JSON object with \"text\": %v", n, err)}
	}
	if dec.More() {
		return map[string]string{"error": fmt.Sprintf("line %d has something after the JSON object; put one object on each line", n)}
	}
	if req.Text == nil {
		return map[string]string{"error": fmt.Sprintf("line %d has no \"text\" field", n)}
	}
	if !utf8.ValidString(*req.Text) {
		return map[string]string{"error": fmt.Sprintf("line %d: text is not valid UTF-8", n)}
	}
	return s.Score(*req.Text, req.Context)
}

// writeScore prints a result for a person: the labels, then the text with
// each piece of evidence underlined and named.
func writeScore(w io.Writer, text string, r score.Result) {
	fmt.Fprintf(w, "focus:      %s (confidence %.2f)\n", r.Focus, r.Confidence)
	fmt.Fprintf(w, "skills:     %s\n", joinOr(r.Skills, "none"))
	fmt.Fprintf(w, "domains:    %s\n", joinOr(r.Domains, "none"))
	if len(r.Evidence) > 0 {
		fmt.Fprintln(w, "evidence:")
		writeEvidence(w, text, r.Evidence, "  ")
	}
	if r.Tip != "" {
		fmt.Fprintf(w, "tip:        %s\n", r.Tip)
	}
}

func writeEvidence(w io.Writer, text string, ev []score.Evidence, indent string) {
	runes := []rune(strings.ReplaceAll(text, "\n", " "))
	if len(runes) <= 100 {
		fmt.Fprintf(w, "%s%s\n", indent, string(runes))
		for _, e := range ev {
			fmt.Fprintf(w, "%s%s%s %s (%q)\n", indent, strings.Repeat(" ", e.Start), strings.Repeat("^", max(1, e.End-e.Start)), e.Label, e.Cue)
		}
		return
	}
	for _, e := range ev {
		fmt.Fprintf(w, "%s[%s] %s (%q)\n", indent, string(runes[e.Start:e.End]), e.Label, e.Cue)
	}
}

func joinOr[T ~string](xs []T, none string) string {
	if len(xs) == 0 {
		return none
	}
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// scoringSource is the scorer's content directory: the repository's
// content/scoring when running from a checkout (so edits are picked up),
// otherwise the copy embedded in the binary.
func scoringSource() (fs.FS, string) {
	if fi, err := os.Stat(filepath.Join("content", "scoring", score.LexiconFile)); err == nil && !fi.IsDir() {
		return os.DirFS(filepath.Join("content", "scoring")), filepath.Join("content", "scoring")
	}
	return content.Scoring(), ""
}

func readCorpus(fsys fs.FS, name, path string) ([]score.Example, error) {
	var r io.ReadCloser
	var err error
	if path != "" {
		r, err = os.Open(path)
		name = path
	} else {
		r, err = fsys.Open(name)
	}
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return score.ReadCorpus(r, name)
}

func runScoreEval(env *cli, args []string) error {
	fs := flag.NewFlagSet("score eval", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	corpus := fs.String("corpus", "", "labelled JSON lines to evaluate on (default: the held-out split)")
	misses := fs.Bool("misses", false, "also list the utterances whose focus was wrong")
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	s, err := score.Load(content.Scoring())
	if err != nil {
		return err
	}
	examples, err := readCorpus(content.Scoring(), "corpus/heldout.jsonl", *corpus)
	if err != nil {
		return err
	}
	rep := score.Evaluate(s, examples)
	rep.WriteText(env.stdout)
	if *misses {
		fmt.Fprintln(env.stdout, "\nWrong focus (labelled -> scored):")
		for _, m := range rep.Misses {
			fmt.Fprintf(env.stdout, "  %s -> %s: %s\n", m.Example.Focus, m.Got, m.Example.Text)
		}
	}
	return nil
}

func runScoreTrain(env *cli, args []string) error {
	fsys, dir := scoringSource()
	fs := flag.NewFlagSet("score train", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	corpus := fs.String("corpus", "", "labelled JSON lines to train on (default: the training split)")
	out := fs.String("out", filepath.Join(dir, score.ModelFile), "where to write the weights")
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2}
	}
	if dir == "" && !fs.Parsed() || *out == score.ModelFile && dir == "" {
		return errors.New("run `oasis score train` from the repository root (it rewrites content/scoring/model.tsv), or give --out")
	}
	examples, err := readCorpus(fsys, "corpus/train.jsonl", *corpus)
	if err != nil {
		return err
	}
	m, err := score.TrainScorer(fsys, examples, score.TrainConfig{})
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "trained on %d utterances; weights written to %s\n", len(examples), *out)
	return nil
}
