package web

import (
	"context"
	"net"
	"net/http"
	"net/http/pprof"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/log"

	"oasis/engine/course"
	"oasis/engine/scenario"
	"oasis/engine/score"
	"oasis/engine/store"
)

// Config is what the server needs; cmd/oasis fills it from flags.
type Config struct {
	Store   *store.Store
	Library *scenario.Library
	// Courses are the courses offered (none when nil).
	Courses *course.Catalog
	Scorer  *score.Scorer
	Log     *log.Logger
	// BaseURL is where people reach the server, for links in invites and
	// the setup link; when empty it is taken from each request.
	BaseURL string
	// AllowedOrigins are other origins allowed to open the websocket
	// (the server's own is always allowed).
	AllowedOrigins []string
	// Now is the clock; tests set it.
	Now func() time.Time
}

// Server serves the API, the websocket and the UI.
type Server struct {
	cfg   Config
	store *store.Store
	lib   *scenario.Library
	// courses is never nil: an empty catalogue offers none.
	courses *course.Catalog
	scorer  *score.Scorer
	log     *log.Logger
	md      *markdown
	runs    *runManager
	logins  *limiter
	guard   *limiter
	joins   *limiter
	conns   *connSet
	groups  *groupHub
	// handling counts websocket messages being handled, for Shutdown.
	handling sync.WaitGroup
	// background counts work started after a reply (certifying after a
	// run), for Shutdown.
	background sync.WaitGroup
	// quizzes limits quiz attempts per person; verifies the public verify
	// page and key per address.
	quizzes, verifies *limiter
	// fanout measures broadcasts and pauses reaching trainees' sockets.
	fanout latencies
	// slots admits heavy messages (turns, answers) a few at a time.
	slots chan struct{}
	mux   *http.ServeMux
	// ctx lives until Shutdown, for background work.
	ctx    context.Context
	cancel context.CancelFunc

	shutdownOnce sync.Once
	closing      chan struct{}
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = log.Default()
	}
	s := &Server{
		slots:    make(chan struct{}, 4*runtime.GOMAXPROCS(0)),
		cfg:      cfg,
		store:    cfg.Store,
		lib:      cfg.Library,
		scorer:   cfg.Scorer,
		log:      cfg.Log,
		md:       newMarkdown(),
		logins:   newLimiter(10, time.Minute),
		guard:    newLimiter(60, time.Minute),
		joins:    newLimiter(20, time.Minute),
		courses:  cfg.Courses,
		quizzes:  newLimiter(30, time.Minute),
		verifies: newLimiter(120, time.Minute),
		conns:    newConnSet(),
		closing:  make(chan struct{}),
	}
	if s.courses == nil {
		s.courses = &course.Catalog{}
	}
	s.runs = newRunManager(s)
	s.groups = newGroupHub(s)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	go s.groups.run(s.ctx)
	s.routes()
	return s
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.secure(s.mux) }

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", s.handleHealth)
	m.Handle("GET /debug/stats", s.localOnly(http.HandlerFunc(s.handleStats)))
	m.Handle("GET /debug/pprof/", s.localOnly(http.HandlerFunc(pprof.Index)))
	m.Handle("GET /debug/pprof/profile", s.localOnly(http.HandlerFunc(pprof.Profile)))
	m.Handle("GET /debug/pprof/heap", s.localOnly(pprof.Handler("heap")))
	m.Handle("GET /debug/pprof/goroutine", s.localOnly(pprof.Handler("goroutine")))
	m.HandleFunc("POST /api/setup", s.handleSetup)
	m.HandleFunc("GET /api/invites/{token}", s.handleInviteInfo)
	m.HandleFunc("POST /api/signup", s.handleSignUp)
	m.HandleFunc("POST /api/login", s.handleLogin)
	m.HandleFunc("POST /api/logout", s.handleLogout)
	m.HandleFunc("GET /api/me", s.authed(s.handleMe))
	m.HandleFunc("POST /api/invites", s.orgOnly(s.handleCreateInvite))
	m.HandleFunc("GET /api/members", s.orgOnly(s.handleMembers))
	m.HandleFunc("GET /api/scenarios", s.orgOnly(s.handleScenarios))
	m.HandleFunc("GET /api/scenarios/{id}", s.orgOnly(s.handleScenario))
	m.HandleFunc("GET /api/runs", s.orgOnly(s.handleRuns))
	m.HandleFunc("GET /api/runs/{id}", s.authed(s.handleRun))
	m.HandleFunc("POST /api/groups/join", s.handleGroupJoin)
	m.HandleFunc("GET /api/groups", s.orgOnly(s.handleGroups))
	m.HandleFunc("GET /api/groups/{id}/results.csv", s.orgOnly(s.handleGroupResults))
	m.HandleFunc("GET /api/groups/{id}/board.csv", s.orgOnly(s.handleGroupBoard))
	m.HandleFunc("GET /api/courses", s.orgOnly(s.handleCourses))
	m.HandleFunc("GET /api/courses/{id}", s.orgOnly(s.handleCourse))
	m.HandleFunc("POST /api/courses/{id}/enroll", s.orgOnly(s.handleEnroll))
	m.HandleFunc("POST /api/courses/{id}/modules/{module}/quiz", s.orgOnly(s.handleQuiz))
	m.HandleFunc("GET /api/certificates", s.orgOnly(s.handleCertificates))
	m.HandleFunc("GET /api/certificates/{id}", s.orgOnly(s.handleCertificate))
	m.HandleFunc("GET /api/certificates/{id}/credential.json", s.orgOnly(s.handleCredential))
	m.HandleFunc("POST /api/certificates/{id}/revoke", s.orgOnly(s.handleRevoke))
	m.HandleFunc("GET /api/verify/{id}", s.publicJSON(s.verifyJSON))
	m.HandleFunc("POST /api/verify", s.handleVerifyUpload)
	m.HandleFunc("GET /verify/{id}", s.handleVerifyPage)
	m.HandleFunc("GET /verify/{id}/qr.svg", s.handleVerifyQR)
	m.HandleFunc("GET /verify", s.handleVerifyForm)
	m.HandleFunc("POST /verify", s.handleVerifyUpload)
	m.HandleFunc("GET /orgs/{org}", s.publicJSON(s.orgProfile))
	m.HandleFunc("GET /orgs/{org}/key", s.publicJSON(s.orgKey))
	m.HandleFunc("GET /api/admin/staff", s.adminOnly(s.handleStaff))
	m.HandleFunc("GET /api/admin/staff.csv", s.adminOnly(s.handleStaffCSV))
	m.HandleFunc("GET /api/admin/certifications", s.adminOnly(s.handleCertifications))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errNotFound("There is no API at "+r.URL.Path+"; see docs/api.md."))
	})
	m.HandleFunc("GET /ws", s.handleWS)
	m.Handle("GET /static/", staticHandler())
	for _, p := range []string{"GET /{$}", "GET /setup", "GET /join", "GET /join/{code}"} {
		m.HandleFunc(p, serveIndex)
	}
	s.mux = m
}

// secure sets the headers every response carries.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.log.Error("health check: database unreachable", "err", err)
		http.Error(w, "database unreachable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// baseURL is where links should point: the configured URL, or the one the
// request came in on.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// localOnly serves a handler only to requests from this machine.
func (s *Server) localOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := clientIP(r); ip != "127.0.0.1" && ip != "::1" {
			s.fail(w, r, errNotFound("Not found."))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// clientIP is the address a request came from, for rate limits.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Shutdown closes every websocket with a "shutdown" close frame. It is
// safe to call more than once; the HTTP server's own Shutdown stops the
// listener.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		close(s.closing)
		s.cancel()
	})
	err := s.conns.closeAll(ctx)
	// Let messages being handled finish (their turns are stored) before
	// the caller closes the database.
	done := make(chan struct{})
	go func() { s.handling.Wait(); s.background.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	return err
}
