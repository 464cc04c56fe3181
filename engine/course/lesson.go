package course

import (
	"bytes"
	"strings"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// newMarkdown returns the lesson renderer: GFM tables, an id on every
// heading so the page can link to it, and raw HTML left out (goldmark's
// default without html.WithUnsafe), so a lesson cannot inject script.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	)
}

// renderLesson renders Markdown once, collecting its headings as it goes.
func renderLesson(md goldmark.Markdown, src []byte) (Lesson, error) {
	doc := md.Parser().Parse(text.NewReader(src))
	var l Lesson
	err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !ok || !entering {
			return ast.WalkContinue, nil
		}
		hd := Heading{Level: h.Level, Text: strings.TrimSpace(inlineText(h, src))}
		if id, ok := h.AttributeString("id"); ok {
			if b, ok := id.([]byte); ok {
				hd.ID = string(b)
			}
		}
		l.Headings = append(l.Headings, hd)
		return ast.WalkSkipChildren, nil
	})
	if err != nil {
		return Lesson{}, err
	}
	var b bytes.Buffer
	if err := md.Renderer().Render(&b, src, doc); err != nil {
		return Lesson{}, err
	}
	l.HTML = b.String()
	l.Words = countWords(src)
	return l, nil
}

// inlineText is the plain text of an inline container, without markup.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.RawHTML:
			// Left out of the page, so left out of the heading's text.
		default:
			b.WriteString(inlineText(c, src))
		}
	}
	return b.String()
}

// countWords counts the runs of text between spaces that contain a letter
// or digit, so Markdown punctuation (#, -, |, **) is not counted as words.
func countWords(src []byte) int {
	n := 0
	word := false
	for _, r := range string(src) {
		switch {
		case unicode.IsSpace(r):
			word = false
		case !word && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word = true
			n++
		}
	}
	return n
}
