package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"oasis/engine/store"
)

const (
	sessionCookie   = "oasis_session"
	sessionLifetime = 30 * 24 * time.Hour
	inviteLifetime  = 14 * 24 * time.Hour
	maxBody         = 64 << 10
	minPassword     = 10
	maxPassword     = 1024
)

// Passwords are hashed with argon2id at the parameters OWASP recommends
// for a server (19 MiB, two passes), and kept as a self-describing string.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashing bounds how many password hashes run at once: each takes 19 MiB
// for a moment, and a burst of sign-ins must not take the server's memory
// with it.
var hashing = make(chan struct{}, 4)

func hashPassword(password string) string {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key))
}

func checkPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || m > 256*1024 || t > 10 {
		return false
	}
	hashing <- struct{}{}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	<-hashing
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when an email has no account, so a
// sign-in takes as long whether or not the account exists.
var dummyHash = hashPassword("no account has this password")

// limiter allows n events per window per key.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	seen   map[string][]time.Time
	swept  time.Time
}

func newLimiter(n int, window time.Duration) *limiter {
	return &limiter{n: n, window: window, seen: map[string][]time.Time{}}
}

// allow records an event for key and reports whether it is within the
// limit; when it is not, wait says how long until it would be.
func (l *limiter) allow(key string, now time.Time) (ok bool, wait time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.window {
		for k, ts := range l.seen {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) > l.window {
				delete(l.seen, k)
			}
		}
		l.swept = now
	}
	ts := l.seen[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) >= l.n {
		l.seen[key] = ts
		return false, l.window - now.Sub(ts[0])
	}
	l.seen[key] = append(ts, now)
	return true, 0
}

// readJSON decodes a request body: JSON only, at most maxBody, unknown
// fields refused, and for a cross-site request (an Origin that is not
// ours) nothing at all.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if !s.sameOrigin(r) {
		return errForbidden("This request came from another site and was refused.")
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/json" {
		return &apiError{"unsupported_media_type", "Send JSON (Content-Type: application/json).", http.StatusUnsupportedMediaType}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &apiError{"too_large", "The request is too large.", http.StatusRequestEntityTooLarge}
		}
		return errBadRequest("The request body is not the JSON this endpoint expects: " + err.Error() + ".")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errBadRequest("Send one JSON object.")
	}
	return nil
}

// sameOrigin reports whether a request's Origin (when it has one) is this
// server or an allowed origin.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, a := range s.cfg.AllowedOrigins {
		if strings.EqualFold(strings.TrimRight(a, "/"), origin) {
			return true
		}
	}
	if s.cfg.BaseURL != "" {
		if b, err := url.Parse(s.cfg.BaseURL); err == nil && strings.EqualFold(b.Host, u.Host) {
			return true
		}
	}
	return false
}

type userKey struct{}

// currentUser returns the signed-in user of a request, if any.
func (s *Server) currentUser(r *http.Request) (store.User, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 200 {
		return store.User{}, false
	}
	u, err := s.store.SessionUser(r.Context(), c.Value)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("look up session", "err", err)
		}
		return store.User{}, false
	}
	return u, true
}

// authed wraps a handler that needs a signed-in user.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, store.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.currentUser(r)
		if !ok {
			s.fail(w, r, errUnauthenticated)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u)
	}
}

// orgOnly is authed for organisation members only: a guest account, made
// for one group session, reaches /api/me, its own runs and its session over
// the websocket, and nothing else.
func (s *Server) orgOnly(h func(http.ResponseWriter, *http.Request, store.User)) http.HandlerFunc {
	return s.authed(func(w http.ResponseWriter, r *http.Request, u store.User) {
		if u.Role == store.RoleGuest {
			s.fail(w, r, errGuest)
			return
		}
		h(w, r, u)
	})
}

var errGuest = errForbidden("A guest account reaches only the group session it joined. Ask your organisation for an invitation to use the library.")

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u store.User) error {
	token := store.NewToken("ses")
	expires := s.cfg.Now().Add(sessionLifetime)
	if err := s.store.CreateSession(r.Context(), token, u.ID, expires); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires, MaxAge: int(sessionLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https",
	})
	return nil
}

type accountForm struct {
	Token        string `json:"token"`
	Invite       string `json:"invite"`
	Organisation string `json:"organisation"`
	Name         string `json:"name"`
	Email        string `json:"email"`
	Password     string `json:"password"`
}

// check validates the account fields and normalises the email.
func (f *accountForm) check() error {
	f.Name = strings.TrimSpace(f.Name)
	f.Email = strings.ToLower(strings.TrimSpace(f.Email))
	switch {
	case f.Name == "" || utf8.RuneCountInString(f.Name) > 100:
		return errBadRequest("Enter your name (up to 100 characters).")
	case len(f.Email) > 254:
		return errBadRequest("That email address is too long.")
	}
	if a, err := mail.ParseAddress(f.Email); err != nil || a.Address != f.Email {
		return errBadRequest("Enter a valid email address, such as name@example.org.")
	}
	switch n := utf8.RuneCountInString(f.Password); {
	case n < minPassword:
		return errBadRequest(fmt.Sprintf("Choose a password of at least %d characters; a few words together work well.", minPassword))
	case len(f.Password) > maxPassword:
		return errBadRequest("That password is too long.")
	}
	return nil
}

func (s *Server) limited(w http.ResponseWriter, r *http.Request, l *limiter, key string) bool {
	if ok, wait := l.allow(key, s.cfg.Now()); !ok {
		w.Header().Set("Retry-After", fmt.Sprint(int(wait.Seconds())+1))
		s.fail(w, r, &apiError{"rate_limited", "Too many attempts. Please wait a minute and try again.", http.StatusTooManyRequests})
		return true
	}
	return false
}

func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.guard, "setup:"+clientIP(r)) {
		return
	}
	var f accountForm
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	f.Organisation = strings.TrimSpace(f.Organisation)
	if f.Organisation == "" || utf8.RuneCountInString(f.Organisation) > 120 {
		s.fail(w, r, errBadRequest("Enter your organisation's name (up to 120 characters)."))
		return
	}
	if err := f.check(); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.store.Setup(r.Context(), f.Token, f.Organisation, store.User{Email: f.Email, Name: f.Name, PasswordHash: hashPassword(f.Password)})
	switch {
	case errors.Is(err, store.ErrConflict):
		s.fail(w, r, errConflict(strings.TrimPrefix(err.Error(), store.ErrConflict.Error()+": ")))
		return
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, errNotFound("This setup link is not valid. Restart the server to get a fresh one."))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.log.Info("organisation created", "org", u.Org.ID, "admin", u.ID)
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": u})
}

func (s *Server) handleInviteInfo(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.guard, "invite:"+clientIP(r)) {
		return
	}
	inv, err := s.store.InviteByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			err = errNotFound("This invite link is not valid any more. Ask your organisation for a new one.")
		}
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"invite": inv})
}

func (s *Server) handleSignUp(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.guard, "signup:"+clientIP(r)) {
		return
	}
	var f accountForm
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := f.check(); err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.store.SignUp(r.Context(), f.Invite, store.User{Email: f.Email, Name: f.Name, PasswordHash: hashPassword(f.Password)})
	switch {
	case errors.Is(err, store.ErrConflict):
		s.fail(w, r, errConflict("An account with this email address already exists. Sign in instead."))
		return
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, errNotFound("This invite link is not valid any more. Ask your organisation for a new one."))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.log.Info("account created", "user", u.ID, "org", u.OrgID, "role", u.Role)
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"user": u})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var f accountForm
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	email := strings.ToLower(strings.TrimSpace(f.Email))
	if s.limited(w, r, s.logins, "ip:"+clientIP(r)) || s.limited(w, r, s.logins, "email:"+email) {
		return
	}
	u, err := s.store.UserByEmail(r.Context(), email)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	hash := u.PasswordHash
	if err != nil {
		hash = dummyHash
	}
	if !checkPassword(hash, f.Password) || err != nil {
		s.fail(w, r, &apiError{"unauthenticated", "Wrong email or password.", http.StatusUnauthorized})
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		s.fail(w, r, errForbidden("This request came from another site and was refused."))
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteSession(r.Context(), c.Value); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, u store.User) {
	writeJSON(w, http.StatusOK, map[string]any{"user": u})
}

func (s *Server) handleCreateInvite(w http.ResponseWriter, r *http.Request, u store.User) {
	if u.Role != store.RoleAdmin {
		s.fail(w, r, errForbidden("Only an organisation admin can invite people."))
		return
	}
	var f struct {
		Role string `json:"role"`
	}
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	role, err := store.ParseRole(f.Role)
	if err != nil {
		s.fail(w, r, errBadRequest(capitalise(err.Error())+"."))
		return
	}
	token := store.NewToken("inv")
	inv := store.Invite{OrgID: u.OrgID, Role: role, CreatedBy: u.ID, ExpiresAt: s.cfg.Now().Add(inviteLifetime).UTC()}
	if err := s.store.CreateInvite(r.Context(), token, inv); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"invite": map[string]any{
		"token": token, "link": s.baseURL(r) + "/join?invite=" + url.QueryEscape(token), "role": role, "expires_at": inv.ExpiresAt,
	}})
}

func (s *Server) handleMembers(w http.ResponseWriter, r *http.Request, u store.User) {
	if u.Role != store.RoleAdmin {
		s.fail(w, r, errForbidden("Only an organisation admin can see the member list."))
		return
	}
	ms, err := s.store.Members(r.Context(), u.OrgID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": ms})
}

// HashPassword hashes a password the way the server stores it (argon2id).
func HashPassword(password string) string { return hashPassword(password) }
