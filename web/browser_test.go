package web_test

// End-to-end tests in a real browser: headless Chromium driven by
// chromedp against the real oasis binary, which is killed with SIGKILL in
// the middle of a run to check that nothing acknowledged is lost.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// oasisBinary builds cmd/oasis once for the browser tests.
func oasisBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "oasis-browser-test")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "oasis")
		out, err := exec.Command("go", "build", "-o", binPath, "../cmd/oasis").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// chromium finds a Chromium to drive: skipped without one locally, a
// failure under CI (which installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("OASIS_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no Chromium was found: .ci/run installs the Debian package chromium")
	}
	t.Skip("browser tests skipped: install Chromium (apt-get install chromium) or set OASIS_CHROMIUM")
	return ""
}

// serverProc is the oasis binary serving on a port.
type serverProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	addr  string
	db    string
	mu    sync.Mutex
	setup string // the setup link, on first start
}

// setupLink is the setup link the server printed on first start, or "".
func (p *serverProc) setupLink() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.setup
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServer(t *testing.T, addr, db string, args ...string) *serverProc {
	t.Helper()
	cmd := exec.Command(oasisBinary(t), append([]string{"serve", "--addr", addr, "--database", db, "--log-format", "json"}, args...)...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{t: t, cmd: cmd, addr: addr, db: db}
	t.Cleanup(p.kill)
	ready := make(chan struct{})
	var once sync.Once
	started := func() { once.Do(func() { close(ready) }) }
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			if link, ok := line["link"].(string); ok {
				p.mu.Lock()
				p.setup = link
				p.mu.Unlock()
				started()
			}
			if line["msg"] == "oasis is running" {
				// On first start the setup link is logged just after;
				// on a restart there is none.
				time.AfterFunc(200*time.Millisecond, started)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	return p
}

// kill stops the server the hard way: no shutdown, no goodbye.
func (p *serverProc) kill() {
	if p.cmd.Process != nil {
		p.cmd.Process.Signal(syscall.SIGKILL)
		p.cmd.Wait()
	}
}

func browser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 3*time.Minute)
	return ctx, func() { cancelC(); cancelB(); cancelA() }
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	dir := t.TempDir()
	if d := os.Getenv("OASIS_SCREENSHOTS"); d != "" {
		dir = d // keep them after the test, to look at
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Error(err)
	}
	t.Logf("screenshot: %s", path)
}

func setUp(t *testing.T, ctx context.Context, link string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS("#setup-form")),
		chromedp.SendKeys(chromedp.CSS("#setup-organisation"), "Eastside Community Services"),
		chromedp.SendKeys(chromedp.CSS("#setup-name"), "Ana Ruiz"),
		chromedp.SendKeys(chromedp.CSS("#setup-email"), "ana@example.org"),
		chromedp.SendKeys(chromedp.CSS("#setup-password"), "correct horse battery"),
		chromedp.Click(chromedp.CSS(`#setup-form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.scenario-card[data-id="engagement-marcus"]`)),
	)
	if err != nil {
		t.Fatalf("set up in the browser: %v", err)
	}
}

// say types a response and waits for its feedback.
func say(t *testing.T, ctx context.Context, text string, n int) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS("#say-input")),
		chromedp.SendKeys(chromedp.CSS("#say-input"), text),
		chromedp.Click(chromedp.CSS("#say-send")),
	)
	if err != nil {
		t.Fatalf("type %q: %v", text, err)
	}
	waitCount(t, ctx, "#chat .feedback .focus", n)
}

func waitCount(t *testing.T, ctx context.Context, sel string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		if err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			body := pageText(t, ctx, "main")
			t.Fatalf("waited for %d of %q, found %d; the page says:\n%s", n, sel, got, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func pageText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// TestBrowserSetUpPlayAndReport: set-up link → the admin account → the
// library → a role play typed to its end → the report with its chart.
func TestBrowserSetUpPlayAndReport(t *testing.T) {
	chromium(t)
	srv := startServer(t, freePort(t), filepath.Join(t.TempDir(), "oasis.db"))
	if srv.setupLink() == "" {
		t.Fatal("the server printed no setup link on first start")
	}
	ctx, cancel := browser(t)
	defer cancel()
	setUp(t, ctx, srv.setupLink())
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.scenario-card[data-id="engagement-marcus"] .start-free`)),
		chromedp.WaitVisible(chromedp.CSS("#say-input")),
	); err != nil {
		t.Fatal(err)
	}
	lines := []string{
		"Why did you lose your flat?",
		"You need to go to a budgeting class before we can talk about housing.",
		"Why do you keep missing appointments? You have to take this seriously.",
		"If you keep refusing help you will end up on the street for good.",
	}
	for i, l := range lines {
		say(t, ctx, l, i+1)
	}
	chat := pageText(t, ctx, "#chat")
	if !strings.Contains(strings.ToLower(chat), "deficit") || !strings.Contains(chat, "budgeting class") {
		t.Errorf("the chat lacks the feedback or the trainee's words:\n%s", chat)
	}
	marks, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chat .feedback mark").length`))
	if marks == 0 {
		t.Error("no evidence is highlighted in the trainee's words")
	}
	screenshot(t, ctx, "chat")
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#report")), chromedp.WaitVisible(chromedp.CSS("svg#meter-chart"))); err != nil {
		t.Fatalf("no report: %v", err)
	}
	rep := pageText(t, ctx, "#report")
	for _, want := range []string{"Marcus walks off", "Overall", "Strengths ratio"} {
		if !strings.Contains(rep, want) {
			t.Errorf("the report lacks %q:\n%s", want, rep)
		}
	}
	screenshot(t, ctx, "report")
	// Trainee text is shown as text, never as markup.
	say2 := `<img src=x onerror="document.title='pwned'">`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#try-again")), chromedp.WaitVisible(chromedp.CSS("#say-input"))); err != nil {
		t.Fatal(err)
	}
	say(t, ctx, say2, 1)
	title, _ := chromedp.Run(ctx, chromedp.Title())
	imgs, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#chat img").length`))
	if title == "pwned" || imgs > 0 {
		t.Error("trainee text was rendered as HTML")
	}
	// The history page lists the finished run.
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+srv.addr+"/#/history"), chromedp.WaitVisible(chromedp.CSS(".history-run"))); err != nil {
		t.Fatalf("history: %v", err)
	}
	if h := pageText(t, ctx, "#history"); !strings.Contains(h, "Marcus") {
		t.Errorf("history:\n%s", h)
	}
}

// TestBrowserKillAndResume kills the server with SIGKILL mid-run, types a
// response while it is down, restarts it, and checks the transcript is
// whole: every turn once, the pending one sent when the server returns.
func TestBrowserKillAndResume(t *testing.T) {
	chromium(t)
	addr := freePort(t)
	db := filepath.Join(t.TempDir(), "oasis.db")
	srv := startServer(t, addr, db)
	ctx, cancel := browser(t)
	defer cancel()
	setUp(t, ctx, srv.setupLink())
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`.scenario-card[data-id="assessment-rosa"] .start-free`)),
		chromedp.WaitVisible(chromedp.CSS("#say-input")),
	); err != nil {
		t.Fatal(err)
	}
	say(t, ctx, "Thank you for coming in, Rosa. What would make this hour useful for you?", 1)
	say(t, ctx, "When you stayed sober for those three years, what helped?", 2)
	url, _ := chromedp.Run(ctx, chromedp.Location())

	srv.kill()
	// Typed while the server is down: kept as pending, sent on return.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#say-input"), "Who is in your corner right now?"),
		chromedp.Click(chromedp.CSS("#say-send")),
	); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	startServer(t, addr, db)
	waitCount(t, ctx, "#chat .feedback .focus", 3)
	screenshot(t, ctx, "resumed")

	// A reload shows the whole transcript from the server, once each.
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("#say-input"))); err != nil {
		t.Fatal(err)
	}
	waitCount(t, ctx, "#chat .feedback .focus", 3)
	waitCount(t, ctx, "#chat .msg.trainee", 3)
	for _, want := range []string{"What would make this hour useful", "three years", "Who is in your corner"} {
		n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`[...document.querySelectorAll("#chat .msg.trainee")].filter(m => m.textContent.includes(%q)).length`, want)))
		if n != 1 {
			t.Errorf("%q is in %d of the trainee's messages after the restart, want 1", want, n)
		}
	}
}
