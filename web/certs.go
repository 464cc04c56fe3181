package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"oasis/engine/cert"
	"oasis/engine/course"
	"oasis/engine/store"
)

// Certificates: the holder's list, one certificate with its evidence, the
// signed credential, revocation by the organisation's admins, the public
// verify page and the organisation's published key.

type certificateView struct {
	ID           string         `json:"id"`
	UserID       string         `json:"user_id"`
	Course       string         `json:"course"`
	CourseTitle  string         `json:"course_title"`
	Title        string         `json:"title"`
	Holder       string         `json:"holder"`
	Organisation string         `json:"organisation"`
	IssuedAt     time.Time      `json:"issued_at"`
	ExpiresAt    time.Time      `json:"expires_at"`
	Status       string         `json:"status"`
	RevokedAt    *time.Time     `json:"revoked_at"`
	RevokeReason string         `json:"revoke_reason"`
	RenewalOf    *string        `json:"renewal_of"`
	VerifyURL    string         `json:"verify_url"`
	Evidence     []evidenceItem `json:"evidence,omitempty"`
}

func (s *Server) certificateView(c store.Certificate, now time.Time, base string) certificateView {
	v := certificateView{ID: c.ID, UserID: c.UserID, Course: c.CourseID, CourseTitle: c.CourseTitle, Title: c.Title, Holder: c.Holder, Organisation: c.OrgName,
		IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt, Status: s.certStatus(c, now), RevokedAt: c.RevokedAt, RevokeReason: c.RevokeReason}
	if c.RenewalOf != "" {
		v.RenewalOf = &c.RenewalOf
	}
	if base != "" {
		v.VerifyURL = base + "/verify/" + c.ID
	}
	return v
}

// sign makes the certificate's signed Open Badges credential with the
// organisation's key.
func (s *Server) sign(ctx context.Context, c *store.Certificate, co *course.Course, items []evidenceItem, base string) error {
	key, err := s.store.OrgKey(ctx, c.OrgID)
	if err != nil {
		return fmt.Errorf("organisation key: %w", err)
	}
	modules := make([]string, 0, len(co.Modules))
	for _, m := range co.Modules {
		modules = append(modules, m.Title)
	}
	claim := cert.Claim{
		ID: base + "/verify/" + c.ID, IssuerID: base + "/orgs/" + c.OrgID, IssuerName: c.OrgName, Holder: c.Holder,
		CourseID: base + "/courses/" + co.ID, CourseName: co.Title, CourseDescription: co.Summary,
		Criteria: "Passed the quiz and met the practice requirements of every module: " + strings.Join(modules, "; ") + ".",
		Title:    c.Title, IssuedAt: c.IssuedAt, ExpiresAt: c.ExpiresAt,
	}
	if c.RenewalOf != "" {
		claim.Criteria = "Renewed by meeting the course's recertification practice again."
	}
	for _, it := range items {
		claim.Evidence = append(claim.Evidence, cert.Evidence{Name: it.Requirement, Narrative: it.Detail})
	}
	data, err := cert.Issue(claim, key.Private)
	if err != nil {
		return err
	}
	c.Credential = string(data)
	return nil
}

func (s *Server) handleCertificates(w http.ResponseWriter, r *http.Request, u store.User) {
	certs, err := s.store.Certificates(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.cfg.Now()
	out := []certificateView{}
	for _, c := range certs {
		out = append(out, s.certificateView(c, now, s.baseURL(r)))
	}
	writeJSON(w, http.StatusOK, map[string]any{"certificates": out})
}

// visibleCertificate is a certificate the caller may see in full: their
// own, or one of their organisation's if they are its admin. Anything
// else is "not found", so ids cannot be probed.
func (s *Server) visibleCertificate(r *http.Request, u store.User) (store.Certificate, error) {
	c, err := s.store.Certificate(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.UserID != u.ID && (u.Role != store.RoleAdmin || c.OrgID != u.OrgID)) {
		return c, errNotFound("There is no certificate " + r.PathValue("id") + " of yours or your organisation's.")
	}
	return c, err
}

func (s *Server) handleCertificate(w http.ResponseWriter, r *http.Request, u store.User) {
	c, err := s.visibleCertificate(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.certificateView(c, s.cfg.Now(), s.baseURL(r))
	v.Evidence = []evidenceItem{}
	json.Unmarshal([]byte(c.Evidence), &v.Evidence)
	writeJSON(w, http.StatusOK, map[string]any{"certificate": v})
}

func (s *Server) handleCredential(w http.ResponseWriter, r *http.Request, u store.User) {
	c, err := s.visibleCertificate(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="oasis-`+c.ID+`.credential.json"`)
	w.Write([]byte(c.Credential))
}

// maxReason bounds a revocation reason, in characters.
const maxReason = 500

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request, u store.User) {
	var f struct {
		Reason string `json:"reason"`
	}
	if err := s.readJSON(w, r, &f); err != nil {
		s.fail(w, r, err)
		return
	}
	if u.Role != store.RoleAdmin {
		s.fail(w, r, errForbidden("Only an admin of the organisation that issued a certificate can revoke it."))
		return
	}
	f.Reason = strings.TrimSpace(f.Reason)
	switch {
	case f.Reason == "":
		s.fail(w, r, errBadRequest("Give a reason for revoking the certificate; the holder's organisation keeps it on record."))
		return
	case utf8.RuneCountInString(f.Reason) > maxReason:
		s.fail(w, r, errBadRequest(fmt.Sprintf("Keep the reason to %d characters.", maxReason)))
		return
	}
	c, err := s.store.RevokeCertificate(r.Context(), u.OrgID, r.PathValue("id"), u.ID, f.Reason)
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.fail(w, r, errNotFound("Your organisation has no certificate "+r.PathValue("id")+"."))
		return
	case errors.Is(err, store.ErrConflict):
		s.fail(w, r, errConflict("That certificate is already revoked."))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	s.log.Info("certificate revoked", "certificate", c.ID, "by", u.ID)
	writeJSON(w, http.StatusOK, map[string]any{"certificate": s.certificateView(c, s.cfg.Now(), s.baseURL(r))})
}

// publicStatus is what anyone may know of a certificate: its status, the
// holder, the course and the dates, and nothing else (not the evidence,
// not the reason it was revoked).
type publicStatus struct {
	Status    string     `json:"status"`
	ID        string     `json:"id"`
	Holder    string     `json:"holder,omitempty"`
	Course    string     `json:"course,omitempty"`
	IssuedAt  *time.Time `json:"issued_at,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at"`
	// OrgKeyURL is where the issuer's public key is, for checking a
	// credential file offline.
	OrgKeyURL string `json:"organisation_key,omitempty"`
	// Check is set when a credential file was checked.
	Check *checkView `json:"check,omitempty"`
}

// maxIDLen bounds ids taken from a public path.
const maxIDLen = 64

// publicStatus is what anyone may know of the certificate named in the
// request's path.
func (s *Server) publicStatus(r *http.Request) (publicStatus, error) {
	id := r.PathValue("id")
	unknown := publicStatus{Status: "unknown", ID: id}
	if len(id) > maxIDLen || !strings.HasPrefix(id, "c_") {
		return unknown, nil
	}
	c, err := s.store.Certificate(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return unknown, nil
	}
	if err != nil {
		return unknown, err
	}
	return s.publicView(r, c), nil
}

// publicView is the public part of a certificate.
func (s *Server) publicView(r *http.Request, c store.Certificate) publicStatus {
	p := publicStatus{Status: s.certStatus(c, s.cfg.Now()), ID: c.ID, Holder: c.Holder, Course: c.CourseTitle,
		IssuedAt: &c.IssuedAt, ExpiresAt: &c.ExpiresAt, RevokedAt: c.RevokedAt, OrgKeyURL: s.baseURL(r) + "/orgs/" + c.OrgID + "/key"}
	if p.Status == certExpiring {
		p.Status = certValid // the public needs only to know it is in force
	}
	return p
}

// publicJSON serves what anyone may read, from any site, within the
// per-address limit.
func (s *Server) publicJSON(get func(r *http.Request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.limited(w, r, s.verifies, clientIP(r)) {
			return
		}
		v, err := get(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) verifyJSON(r *http.Request) (any, error) { return s.publicStatus(r) }

var verifyPage = template.Must(template.New("verify").Funcs(template.FuncMap{
	"date": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2 January 2006")
	},
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{if .ID}}Verify certificate {{.ID}}{{else}}Check a certificate{{end}} · Oasis</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body class="verify-body">
<main id="verify" class="verify" data-status="{{.Status}}">
<h1>Certificate check</h1>
{{if .Check}}<p class="verify-source">Checked: the credential file you gave.</p>{{end}}
{{if eq .Status "form"}}
<p>Paste a certificate's credential (the <code>credential.json</code> its holder downloaded), or choose the file, to check its signature and whether it is in force.</p>
{{else if eq .Status "unknown"}}
<p id="verify-status" class="verify-status verify-unknown"><strong>Unknown.</strong> {{if .Check}}{{.Check.Reason}}{{else}}No certificate with the id <code>{{.ID}}</code> was issued here.{{end}}</p>
<p>{{if .Check}}{{.Check.Hint}}{{else}}Check the address against the certificate. If it is right, the certificate was not issued by this Oasis server.{{end}}</p>
{{else if eq .Status "not_valid"}}
<p id="verify-status" class="verify-status verify-revoked"><strong>Not valid.</strong> {{.Check.Reason}}</p>
<p>{{.Check.Hint}}</p>
{{else}}
{{if eq .Status "valid"}}<p id="verify-status" class="verify-status verify-valid"><strong>Valid.</strong> This certificate was issued here and is in force.{{if .Check}} The file's signature is intact and made with the issuing organisation's key.{{end}}</p>
{{else if eq .Status "expired"}}<p id="verify-status" class="verify-status verify-expired"><strong>Expired.</strong> This certificate was issued here but is no longer in force.</p>
{{else}}<p id="verify-status" class="verify-status verify-revoked"><strong>Revoked.</strong> The issuing organisation withdrew this certificate on {{date .RevokedAt}}. It is no longer in force.</p>
{{end}}
<dl class="verify-facts">
<dt>Holder</dt><dd id="verify-holder">{{.Holder}}</dd>
<dt>Course</dt><dd id="verify-course">{{.Course}}</dd>
<dt>Issued</dt><dd>{{date .IssuedAt}}</dd>
<dt>{{if eq .Status "expired"}}Expired{{else}}Expires{{end}}</dt><dd>{{date .ExpiresAt}}</dd>
{{if .RevokedAt}}<dt>Revoked</dt><dd>{{date .RevokedAt}}</dd>{{end}}
<dt>Certificate id</dt><dd><code>{{.ID}}</code></dd>
</dl>
<p class="verify-note">A downloaded credential (JSON) can also be checked offline with <code>oasis cert verify FILE.json --key KEY</code>, using the organisation's published key at <a href="{{.OrgKeyURL}}">{{.OrgKeyURL}}</a>.</p>
{{end}}
<form id="verify-form" class="verify-form" method="post" action="/verify" enctype="multipart/form-data">
<h2>{{if eq .Status "form"}}The credential{{else}}Check a credential file{{end}}</h2>
<p><label for="verify-file">Credential file</label> <input type="file" id="verify-file" name="file" accept=".json,application/json"></p>
<p><label for="verify-text">or paste it here</label><br><textarea id="verify-text" name="credential" rows="6" cols="70" spellcheck="false"></textarea></p>
<p><button type="submit" id="verify-submit">Check</button></p>
</form>
</main>
</body>
</html>
`))

// checkView is the result of checking a credential file.
type checkView struct {
	Reason string `json:"reason"`
	Hint   string `json:"hint"`
}

func (s *Server) renderVerify(w http.ResponseWriter, status int, p publicStatus) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	verifyPage.Execute(w, p)
}

func (s *Server) handleVerifyPage(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.verifies, clientIP(r)) {
		return
	}
	p, err := s.publicStatus(r)
	if err != nil {
		s.log.Error("verify page", "err", err)
		http.Error(w, "The certificate could not be looked up just now; please try again.", http.StatusInternalServerError)
		return
	}
	code := http.StatusOK
	if p.Status == "unknown" {
		code = http.StatusNotFound
	}
	s.renderVerify(w, code, p)
}

func (s *Server) handleVerifyForm(w http.ResponseWriter, r *http.Request) {
	s.renderVerify(w, http.StatusOK, publicStatus{Status: "form"})
}

// maxCredential bounds an uploaded credential: they are a few kilobytes.
const maxCredential = 64 << 10

// handleVerifyUpload checks a credential file sent from the verify form
// (a file or pasted text) or as a JSON body to POST /api/verify.
func (s *Server) handleVerifyUpload(w http.ResponseWriter, r *http.Request) {
	if s.limited(w, r, s.verifies, clientIP(r)) {
		return
	}
	asJSON := strings.HasPrefix(r.URL.Path, "/api/")
	r.Body = http.MaxBytesReader(w, r.Body, maxCredential+4096)
	var data []byte
	var readErr error
	if asJSON {
		data, readErr = io.ReadAll(r.Body)
	} else if err := r.ParseMultipartForm(maxCredential + 4096); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		readErr = err
	} else {
		if f, _, err := r.FormFile("file"); err == nil {
			data, readErr = io.ReadAll(io.LimitReader(f, maxCredential+1))
			f.Close()
		}
		if len(bytes.TrimSpace(data)) == 0 {
			data = []byte(r.FormValue("credential"))
		}
	}
	var p publicStatus
	switch {
	case readErr != nil || len(data) > maxCredential:
		p = publicStatus{Status: "not_valid", Check: &checkView{Reason: "The file is too large to be a credential (they are a few kilobytes).", Hint: "Choose the credential.json file the holder downloaded."}}
	case len(bytes.TrimSpace(data)) == 0:
		p = publicStatus{Status: "form"}
		if asJSON {
			p = publicStatus{Status: "not_valid", Check: &checkView{Reason: "Send the credential's JSON as the request body."}}
		}
	default:
		var err error
		if p, err = s.checkCredential(r, data); err != nil {
			s.log.Error("check a credential", "err", err)
			http.Error(w, "The credential could not be checked just now; please try again.", http.StatusInternalServerError)
			return
		}
	}
	if asJSON {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		writeJSON(w, http.StatusOK, p)
		return
	}
	s.renderVerify(w, http.StatusOK, p)
}

// checkCredential checks a credential file against what this server
// issued: the signature must be intact and made with the issuing
// organisation's key, and the certificate must not be revoked or expired.
func (s *Server) checkCredential(r *http.Request, data []byte) (publicStatus, error) {
	now := s.cfg.Now()
	v, err := cert.Verify(data, now, nil)
	var prob *cert.Problem
	if err != nil && (!errors.As(err, &prob) || !prob.Signed) {
		reason, hint := err.Error(), ""
		if prob != nil {
			reason, hint = prob.Reason, prob.Hint
		}
		return publicStatus{Status: "not_valid", Check: &checkView{Reason: reason, Hint: hint}}, nil
	}
	id := v.ID[strings.LastIndexByte(v.ID, '/')+1:]
	c, lookErr := s.store.Certificate(r.Context(), id)
	if errors.Is(lookErr, store.ErrNotFound) || (lookErr == nil && !strings.HasPrefix(id, "c_")) {
		return publicStatus{Status: "unknown", ID: id, Check: &checkView{
			Reason: "The file's signature is intact, but this server never issued a certificate with its id.",
			Hint:   "It may come from another Oasis server: check it at the address in its \"id\" (" + v.ID + ")."}}, nil
	}
	if lookErr != nil {
		return publicStatus{}, lookErr
	}
	key, err := s.store.OrgPublicKey(r.Context(), c.OrgID)
	if err != nil {
		return publicStatus{}, err
	}
	if cert.Multibase(key.Public) != v.Key {
		return publicStatus{Status: "not_valid", Check: &checkView{
			Reason: "The file is signed, but not with " + c.OrgName + "'s key: it was not issued by them.",
			Hint:   "Do not accept it. The genuine certificate " + id + " can be checked at " + s.baseURL(r) + "/verify/" + id + "."}}, nil
	}
	p := s.publicView(r, c)
	p.Check = &checkView{}
	return p, nil
}

// orgKeyView is an organisation's published key.
type orgKeyView struct {
	Organisation       string    `json:"organisation"`
	ID                 string    `json:"id"`
	PublicKeyMultibase string    `json:"public_key_multibase"`
	Controller         string    `json:"controller"`
	CreatedAt          time.Time `json:"created_at"`
}

func (s *Server) orgKeyView(r *http.Request) (orgKeyView, error) {
	id := r.PathValue("org")
	if len(id) > maxIDLen {
		return orgKeyView{}, errNotFound("There is no organisation " + id + ".")
	}
	name, err := s.store.OrganizationName(r.Context(), id)
	if err == nil {
		var k store.OrgKey
		if k, err = s.store.OrgKey(r.Context(), id); err == nil {
			return orgKeyView{Organisation: name, ID: s.baseURL(r) + "/orgs/" + id, PublicKeyMultibase: cert.Multibase(k.Public),
				Controller: cert.DIDKey(k.Public), CreatedAt: k.CreatedAt}, nil
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return orgKeyView{}, errNotFound("There is no organisation " + id + ".")
	}
	return orgKeyView{}, err
}

func (s *Server) orgKey(r *http.Request) (any, error) { return s.orgKeyView(r) }

// orgProfile is the issuer named in credentials: an Open Badges Profile
// with the organisation's name and key.
func (s *Server) orgProfile(r *http.Request) (any, error) {
	k, err := s.orgKeyView(r)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":       k.ID, "type": []string{"Profile"}, "name": k.Organisation,
		"public_key_multibase": k.PublicKeyMultibase, "controller": k.Controller, "key": k.ID + "/key",
	}, nil
}
