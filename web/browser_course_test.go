package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// waitShown waits for an element to be in the page and laid out. (Pages
// re-render as data arrives, so waiting on one node can wait on a node
// that has been replaced; this asks the page afresh each time.)
func waitShown(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	waitTrue(t, ctx, fmt.Sprintf(`(() => { const n = document.querySelector(%q); return !!n && n.getClientRects().length > 0; })()`, sel))
}

// fetchText fetches a URL from the page, with its cookies.
func fetchText(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.text())`, url), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s: %v", url, err)
	}
	return s
}

// TestBrowserCourseToCertificate: an admin invites a trainee, who signs
// up, reads the short test course's lesson, passes its quiz, plays the
// Marcus role play it asks for, and is certified; the certificate page
// prints, the admin sees the certificate on the staff page, and both
// verification paths (the server's verify page and `oasis cert verify`)
// accept the genuine credential and reject one edited by a character.
func TestBrowserCourseToCertificate(t *testing.T) {
	chromium(t)
	srv := startServer(t, freePort(t), filepath.Join(t.TempDir(), "oasis.db"), "--courses", "../content/courses/testdata")
	base := "http://" + srv.addr
	admin, cancel := browser(t)
	defer cancel()
	setUp(t, admin, srv.setupLink())
	act(t, admin, "create an invite",
		chromedp.Navigate(base+"/#/admin"),
		chromedp.WaitVisible(chromedp.CSS("#invite-form")),
		chromedp.SetValue(chromedp.CSS("#invite-role"), "trainee"),
		chromedp.Click(chromedp.CSS("#new-invite")),
		chromedp.WaitVisible(chromedp.CSS("#invite-link")),
	)
	link := evalString(t, admin, `document.querySelector("#invite-link").textContent`)

	// The trainee signs up in a browser of their own.
	sam, cancelSam := browser(t)
	defer cancelSam()
	if err := chromedp.Do(sam); err != nil {
		t.Fatal(err)
	}
	act(t, sam, "sign up",
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("#signup-form")),
		chromedp.SendKeys(chromedp.CSS("#signup-name"), "Sam Lee"),
		chromedp.SendKeys(chromedp.CSS("#signup-email"), "sam@example.org"),
		chromedp.SendKeys(chromedp.CSS("#signup-password"), "a long enough password"),
		chromedp.Click(chromedp.CSS(`#signup-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.scenario-card[data-id="engagement-marcus"]`)),
	)
	if txt := pageText(t, sam, `.scenario-card[data-id="engagement-marcus"] .in-courses`); !strings.Contains(txt, "Strengths-Based Case Management: Basic") {
		t.Errorf("the library card does not say which course asks for it: %q", txt)
	}
	act(t, sam, "open the courses",
		chromedp.Click(chromedp.CSS(`li[data-courses] a`)),
		chromedp.WaitVisible(chromedp.CSS(`.course-card[data-id="test-short"]`)),
	)
	if txt := pageText(t, sam, `.course-card[data-id="sbcm-supervision"]`); !strings.Contains(txt, "Basic") {
		t.Errorf("the locked course does not say what it needs: %q", txt)
	}
	screenshot(t, sam, "courses")
	act(t, sam, "start the short course", chromedp.Click(chromedp.CSS(`.course-card[data-id="test-short"] .start-course`)))
	waitShown(t, sam, "#lesson h2")
	waitShown(t, sam, `#quiz .quiz-question[data-question="q2"]`)
	if txt := pageText(t, sam, "#lesson"); !strings.Contains(txt, "strengths") {
		t.Errorf("lesson: %q", txt)
	}
	// A wrong answer first: the explanation of both options shows.
	act(t, sam, "answer the quiz wrongly",
		chromedp.Click(chromedp.CSS(`.quiz-question[data-question="q1"] input[value="1"]`)),
		chromedp.Click(chromedp.CSS(`.quiz-question[data-question="q2"] input[value="0"]`)),
		chromedp.Click(chromedp.CSS("#quiz-submit")),
		chromedp.WaitVisible(chromedp.CSS("#quiz-result")),
	)
	waitTrue(t, sam, `/medical model/.test(document.querySelector("#quiz-result").textContent)`)
	act(t, sam, "answer the quiz rightly",
		chromedp.Click(chromedp.CSS(`.quiz-question[data-question="q1"] input[value="0"]`)),
		chromedp.Click(chromedp.CSS(`.quiz-question[data-question="q2"] input[value="1"]`)),
		chromedp.Click(chromedp.CSS("#quiz-submit")),
	)
	waitTrue(t, sam, `/100\s*%/.test(document.querySelector("#quiz-result").textContent)`)
	waitTrue(t, sam, `/1 of 2|50\s*%/.test(document.querySelector("#course-progress").closest("section, div").textContent)`)
	screenshot(t, sam, "course-quiz")

	// The practice: Marcus, typed; four deficit-focused lines end it.
	act(t, sam, "start the practice",
		chromedp.Click(chromedp.CSS(`.practice[data-practice="p-any-marcus"] .practice-start`)),
		chromedp.WaitVisible(chromedp.CSS("#say-input")),
	)
	for i, l := range []string{
		"Why did you lose your flat?",
		"You need to go to a budgeting class before we can talk about housing.",
		"Why do you keep missing appointments? You have to take this seriously.",
		"If you keep refusing help you will end up on the street for good.",
	} {
		say(t, sam, l, i+1)
	}
	act(t, sam, "the report", chromedp.WaitVisible(chromedp.CSS("#report")))
	waitShown(t, sam, `#course-credits .course-credit[data-practice="p-any-marcus"][data-met="true"]`)
	if txt := pageText(t, sam, "#course-credits"); !strings.Contains(txt, "Test: a short course") || !strings.Contains(txt, "Not met yet") {
		t.Errorf("the report's course credits: %q", txt)
	}
	screenshot(t, sam, "report-credits")

	// Back to the course: complete, with the certificate.
	act(t, sam, "the completed course",
		chromedp.Navigate(base+"/#/courses/test-short"),
		chromedp.WaitVisible(chromedp.CSS("#course-complete")),
		chromedp.Click(chromedp.CSS("#course-certificate-link")),
		chromedp.WaitVisible(chromedp.CSS("#certificate-holder")),
	)
	if h := pageText(t, sam, "#certificate-holder"); !strings.Contains(h, "Sam Lee") {
		t.Errorf("holder: %q", h)
	}
	if st := pageText(t, sam, "#certificate-status"); !strings.Contains(strings.ToLower(st), "valid") {
		t.Errorf("status: %q", st)
	}
	certID := evalString(t, sam, `location.hash.split("/").pop()`)
	waitTrue(t, sam, `(() => { const q = document.querySelector("#certificate-qr"); return !!q && q.complete && q.naturalWidth > 0; })()`)
	screenshot(t, sam, "certificate")
	// Printing hides the page's chrome.
	if _, err := chromedp.Call(sam, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err == nil {
		hidden := evalString(t, sam, `getComputedStyle(document.querySelector("nav")).display + " " + getComputedStyle(document.querySelector("#print-certificate")).display`)
		if hidden != "none none" {
			t.Errorf("in print, nav and print button are %q", hidden)
		}
		screenshot(t, sam, "certificate-print")
		chromedp.Call(sam, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	} else {
		t.Errorf("emulate print: %v", err)
	}
	// Printed to PDF (as the browser's "Save as PDF" does), the
	// certificate is one page.
	prefer := true
	pdf, err := chromedp.Call(sam, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &prefer})
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	if pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf.Data, -1)); pages != 1 {
		t.Errorf("the certificate prints on %d pages, want 1", pages)
	}
	if d := os.Getenv("OASIS_SCREENSHOTS"); d != "" {
		os.WriteFile(filepath.Join(d, "certificate.pdf"), pdf.Data, 0o644)
	}
	credential := fetchText(t, sam, "/api/certificates/"+certID+"/credential.json")
	if !strings.Contains(credential, "OpenBadgeCredential") {
		t.Fatalf("credential: %s", credential)
	}
	tampered := strings.Replace(credential, "Sam Lee", "Sam Lea", 1)

	// The admin sees it on the staff page.
	act(t, admin, "the staff page",
		chromedp.Navigate(base+"/#/staff"),
		chromedp.WaitVisible(chromedp.CSS(`.staff-row[data-course="test-short"]`)),
		chromedp.WaitVisible(chromedp.CSS("svg#certifications-chart")),
	)
	if row := pageText(t, admin, `.staff-row[data-course="test-short"]`); !strings.Contains(row, "Sam Lee") || !strings.Contains(strings.ToLower(row), "certified") {
		t.Errorf("staff row: %q", row)
	}
	screenshot(t, admin, "staff")

	// The verify page: by id, and checking the file itself.
	anon, cancelAnon := browser(t)
	defer cancelAnon()
	if err := chromedp.Do(anon); err != nil {
		t.Fatal(err)
	}
	act(t, anon, "the verify page", chromedp.Navigate(base+"/verify/"+certID), chromedp.WaitVisible(chromedp.CSS("#verify-status")))
	if st := pageText(t, anon, "#verify"); !strings.Contains(st, "Valid.") || !strings.Contains(st, "Sam Lee") {
		t.Errorf("verify page: %q", st)
	}
	for _, tc := range []struct{ name, file, want string }{{"genuine", credential, "Valid."}, {"tampered", tampered, "Not valid."}} {
		act(t, anon, "check the "+tc.name+" file",
			chromedp.Navigate(base+"/verify"),
			chromedp.WaitVisible(chromedp.CSS("#verify-text")),
			chromedp.SetValue(chromedp.CSS("#verify-text"), tc.file),
			chromedp.Click(chromedp.CSS("#verify-submit")),
			chromedp.WaitVisible(chromedp.CSS("#verify-status")),
		)
		if st := pageText(t, anon, "#verify-status"); !strings.Contains(st, tc.want) {
			t.Errorf("checking the %s file: %q", tc.name, st)
		}
		screenshot(t, anon, "verify-"+tc.name)
	}

	// Offline: oasis cert verify with the organisation's published key.
	keyJSON := fetchText(t, anon, "/api/verify/"+certID)
	var pub struct {
		Key string `json:"organisation_key"`
	}
	json.Unmarshal([]byte(keyJSON), &pub)
	keyJSON = fetchText(t, anon, pub.Key)
	dir := t.TempDir()
	keyFile, good, bad := filepath.Join(dir, "key.json"), filepath.Join(dir, "good.json"), filepath.Join(dir, "bad.json")
	os.WriteFile(keyFile, []byte(keyJSON), 0o644)
	os.WriteFile(good, []byte(credential), 0o644)
	os.WriteFile(bad, []byte(tampered), 0o644)
	if out, err := exec.Command(oasisBinary(t), "cert", "verify", good, "--key", keyFile).CombinedOutput(); err != nil || !bytes.HasPrefix(out, []byte("VALID")) {
		t.Errorf("oasis cert verify (genuine): %v\n%s", err, out)
	}
	out, err := exec.Command(oasisBinary(t), "cert", "verify", bad, "--key", keyFile).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !bytes.Contains(out, []byte("NOT VALID")) {
		t.Errorf("oasis cert verify (tampered): %v\n%s", err, out)
	}
}

// TestBrowserPhoneWidth opens each page at a phone's width: nothing may
// make the page scroll sideways (wide tables scroll inside their own box).
func TestBrowserPhoneWidth(t *testing.T) {
	chromium(t)
	srv := startServer(t, freePort(t), filepath.Join(t.TempDir(), "oasis.db"))
	base := "http://" + srv.addr
	ctx, cancel := browser(t)
	defer cancel()
	setUp(t, ctx, srv.setupLink())
	const width = 390
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: width, Height: 844, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	for _, pg := range []struct{ hash, shown string }{
		{"#/library", ".scenario-card"},
		{"#/courses", ".course-card"},
		{"#/courses/sbcm-basic", "#lesson h2"},
		{"#/certificates", "#certificates"},
		{"#/staff", "#staff-table"},
		{"#/admin", "#members table"},
		{"#/history", "#history"},
		{"#/groups", "#groups"},
	} {
		act(t, ctx, "open "+pg.hash, chromedp.Navigate(base+"/"+pg.hash))
		waitShown(t, ctx, pg.shown)
		if w := evalString(t, ctx, `String(document.documentElement.scrollWidth)`); w != fmt.Sprint(width) {
			wide := evalString(t, ctx, fmt.Sprintf(`[...document.querySelectorAll("body *")].filter(e => !e.closest(".table-scroll") && e.getBoundingClientRect().right > %d).slice(0, 5).map(e => e.tagName + "." + e.className).join(", ")`, width+1))
			t.Errorf("%s is %s px wide at a %d px screen (too wide: %s)", pg.hash, w, width, wide)
		}
	}
}
