package web_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"oasis/engine/cert"
	"oasis/engine/roleplay"
	"oasis/engine/store/storetest"
)

// playScript plays a role play to its end from a golden transcript and
// returns the run's id.
func playScript(t *testing.T, c *client, scenarioID, label string) string {
	t.Helper()
	id, _ := playScriptReport(t, c, scenarioID, label)
	return id
}

// playScriptReport is playScript that also returns the run's report.
func playScriptReport(t *testing.T, c *client, scenarioID, label string) (string, map[string]any) {
	t.Helper()
	w := c.ws()
	id := runID(t, w.call(map[string]any{"type": "start", "scenario": scenarioID, "mode": "beginner"}))
	f, err := os.Open(fmt.Sprintf("../scenarios/testdata/%s.%s.jsonl", scenarioID, label))
	if err != nil {
		t.Fatal(err)
	}
	inputs, err := roleplay.ReadScript(f, label)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var last map[string]any
	for i, in := range inputs {
		tid := fmt.Sprintf("t_%s%05d", id[2:10], i)
		msg := map[string]any{"type": "choose", "run_id": id, "turn_id": tid, "option": in.Option}
		if in.Option == 0 {
			msg = map[string]any{"type": "say", "run_id": id, "turn_id": tid, "text": in.Text}
		}
		last = w.call(msg)
		if last["type"] != "turn" {
			t.Fatalf("turn %d: %v", i+1, last)
		}
	}
	if last["report"] == nil {
		t.Fatalf("the run did not end: %v", last)
	}
	return id, last["report"].(map[string]any)
}

// forge re-signs a credential, unchanged, with a key of its own.
func forge(t *testing.T, genuine []byte) []byte {
	t.Helper()
	v, err := cert.Verify(genuine, time.Now(), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	data, err := cert.Issue(cert.Claim{ID: v.ID, IssuerID: v.IssuerID, IssuerName: v.Issuer, Holder: v.Holder, CourseName: v.Course,
		Title: v.Title, IssuedAt: v.ValidFrom, ExpiresAt: *v.ValidUntil}, key)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// course fetches one course for c.
func (c *client) course(id string) map[string]any {
	c.t.Helper()
	status, out := c.do("GET", "/api/courses/"+id, nil)
	if status != 200 {
		c.t.Fatalf("GET course %s: %d %v", id, status, out)
	}
	return out["course"].(map[string]any)
}

// waitCertificate polls the course until its certificate is issued (a
// run's end certifies in the background).
func (c *client) waitCertificate(courseID string) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if cert, ok := c.course(courseID)["certificate"].(map[string]any); ok {
			return cert
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("no certificate for %s", courseID)
	return nil
}

func (c *client) raw(path string) (int, []byte, http.Header) {
	c.t.Helper()
	resp, err := c.http.Get(c.ts.http.URL + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header
}

// signIn signs c in again (after the clock has moved past its session).
func (c *client) signIn(email, password string) {
	c.t.Helper()
	if status, out := c.do("POST", "/api/login", map[string]string{"email": email, "password": password}); status != 200 {
		c.t.Fatalf("sign in %s: %d %v", email, status, out)
	}
}

var shortAnswers = map[string]any{"answers": map[string]int{"q1": 0, "q2": 1}}

func TestCourseToCertificate(t *testing.T) {
	for name, dsn := range map[string]func(testing.TB) string{"sqlite": storetest.SQLiteDSN, "postgres": storetest.PostgresDSN} {
		t.Run(name, func(t *testing.T) { courseToCertificate(t, dsn(t)) })
	}
}

func courseToCertificate(t *testing.T, dsn string) {
	ts := newServer(t, dsn)
	admin := ts.admin()
	sam := admin.invite("trainee", "sam@example.org")

	status, out := sam.do("GET", "/api/courses", nil)
	if status != 200 {
		t.Fatalf("courses: %d %v", status, out)
	}
	byID := map[string]map[string]any{}
	for _, c := range out["courses"].([]any) {
		c := c.(map[string]any)
		byID[c["id"].(string)] = c
	}
	if len(byID) != 4 || byID["test-advanced"]["locked"] != true || byID["sbcm-supervision"]["locked"] != true || byID["sbcm-basic"]["locked"] != false {
		t.Fatalf("courses = %v", out)
	}
	if p := byID["test-short"]["progress"].(map[string]any); p["percent"] != 0.0 || p["total"] != 2.0 {
		t.Fatalf("progress before anything = %v", p)
	}
	// The library says which course modules ask for each scenario.
	_, lib := sam.do("GET", "/api/scenarios?kind=roleplay", nil)
	found := false
	for _, sc := range lib["scenarios"].([]any) {
		sc := sc.(map[string]any)
		if sc["id"] == "engagement-marcus" {
			found = strings.Contains(mustJSON(sc["courses"]), `"course":"sbcm-basic"`) && strings.Contains(mustJSON(sc["courses"]), `"course":"test-short"`)
		}
	}
	if !found {
		t.Errorf("the library does not say Marcus is course practice: %v", lib)
	}

	// A locked course refuses enrolment and quiz attempts.
	if status, out := sam.do("POST", "/api/courses/sbcm-supervision/enroll", nil); status != 403 || !strings.Contains(fmt.Sprint(out), "Basic") {
		t.Errorf("enrol in a locked course: %d %v", status, out)
	}
	if status, _ := sam.do("POST", "/api/courses/sbcm-basic/enroll", nil); status != 200 {
		t.Errorf("enrol: %d", status)
	}

	// The lesson is rendered, the questions come without their answers.
	short := sam.course("test-short")
	mod := short["modules"].([]any)[0].(map[string]any)
	if !strings.Contains(mod["lesson_html"].(string), "<h") || len(mod["headings"].([]any)) == 0 {
		t.Errorf("lesson = %v", mod)
	}
	if strings.Contains(mustJSON(mod["quiz"]), "correct") || strings.Contains(mustJSON(mod["quiz"]), "explanation") {
		t.Errorf("the quiz gives its answers away: %v", mod["quiz"])
	}

	// Bad submissions say what is wrong.
	for _, bad := range []struct {
		body any
		want string
	}{
		{map[string]any{"answers": map[string]int{"q1": 0}}, "q2"},
		{map[string]any{"answers": map[string]int{"q1": 0, "q2": 7}}, "q2"},
		{map[string]any{"answers": map[string]int{"q1": 0, "q2": 1, "q9": 0}}, "q9"},
		{map[string]any{"answers": "all of them"}, "JSON"},
	} {
		status, out := sam.do("POST", "/api/courses/test-short/modules/only/quiz", bad.body)
		if status != 400 || !strings.Contains(fmt.Sprint(out), bad.want) {
			t.Errorf("quiz %v: %d %v", bad.body, status, out)
		}
	}
	if status, _ := sam.do("POST", "/api/courses/test-short/modules/nosuch/quiz", shortAnswers); status != 404 {
		t.Errorf("quiz of an unknown module: %d", status)
	}

	// A failed attempt, then a pass: the best counts, no certificate yet.
	status, out = sam.do("POST", "/api/courses/test-short/modules/only/quiz", map[string]any{"answers": map[string]int{"q1": 1, "q2": 0}})
	if status != 200 || out["attempt"].(map[string]any)["passed"] != false {
		t.Fatalf("failed attempt: %d %v", status, out)
	}
	res := out["attempt"].(map[string]any)["results"].([]any)[0].(map[string]any)
	if res["correct"] != false || res["answer"] != 0.0 || res["answer_explanation"] == "" || res["explanation"] == "" {
		t.Errorf("result = %v", res)
	}
	status, out = sam.do("POST", "/api/courses/test-short/modules/only/quiz", shortAnswers)
	if status != 200 || out["attempt"].(map[string]any)["score"] != 100.0 || out["certificate"] != nil {
		t.Fatalf("passing attempt: %d %v", status, out)
	}
	if p := out["course"].(map[string]any)["progress"].(map[string]any); p["done"] != 1.0 || p["percent"] != 50.0 {
		t.Errorf("progress after the quiz = %v", p)
	}

	// The practice run completes the course: a certificate, at once. Its
	// report says which course requirements it met and which not.
	runID, rep := playScriptReport(t, sam, "engagement-marcus", "poor")
	credits := map[string]map[string]any{}
	for _, c := range rep["counts_towards"].([]any) {
		c := c.(map[string]any)
		credits[c["practice"].(string)] = c
	}
	if c := credits["p-any-marcus"]; c == nil || c["met"] != true || c["course"] != "test-short" {
		t.Errorf("the report does not credit the short course: %v", rep["counts_towards"])
	}
	if c := credits["p-engagement-marcus"]; c == nil || c["met"] != false || len(c["unmet"].([]any)) == 0 {
		t.Errorf("the report does not say what the basic course still needs: %v", rep["counts_towards"])
	}
	if _, ok := credits["p-marcus-again"]; ok {
		t.Errorf("a locked course is credited: %v", rep["counts_towards"])
	}
	cv := sam.waitCertificate("test-short")
	if cv["status"] != "valid" || cv["holder"] != "sam@example.org" || cv["organisation"] != "Eastside" {
		t.Fatalf("certificate = %v", cv)
	}
	id := cv["id"].(string)
	short = sam.course("test-short")
	if p := short["progress"].(map[string]any); p["complete"] != true || p["percent"] != 100.0 {
		t.Errorf("progress when certified = %v", p)
	}
	pr := short["modules"].([]any)[0].(map[string]any)["practice"].([]any)[0].(map[string]any)
	if pr["met"] != true || pr["best"].(map[string]any)["run_id"] != runID {
		t.Errorf("practice = %v", pr)
	}

	// Evidence names the quiz attempt and the run.
	status, out = sam.do("GET", "/api/certificates/"+id, nil)
	if status != 200 || !strings.Contains(mustJSON(out), runID) || !strings.Contains(mustJSON(out), `"kind":"quiz"`) {
		t.Fatalf("certificate with evidence: %d %v", status, out)
	}
	// Visiting the course again does not issue another.
	if status, out := sam.do("GET", "/api/certificates", nil); status != 200 || len(out["certificates"].([]any)) != 1 {
		t.Fatalf("certificates: %d %v", status, out)
	}

	// The credential verifies with the organisation's published key, and
	// not once it is edited.
	status, body, hdr := sam.raw("/api/certificates/" + id + "/credential.json")
	if status != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("credential: %d %s", status, body)
	}
	v, err := cert.Verify(body, ts.now(), nil)
	if err != nil {
		t.Fatalf("genuine credential: %v", err)
	}
	status, keyOut := ts.client().do("GET", "/orgs/"+strings.TrimPrefix(v.IssuerID, ts.http.URL+"/orgs/")+"/key", nil)
	if status != 200 {
		t.Fatalf("organisation key: %d %v", status, keyOut)
	}
	if status, prof := ts.client().do("GET", strings.TrimPrefix(v.IssuerID, ts.http.URL), nil); status != 200 || prof["name"] != "Eastside" || prof["id"] != v.IssuerID || prof["public_key_multibase"] != keyOut["public_key_multibase"] {
		t.Errorf("the issuer's profile: %d %v", status, prof)
	}
	if status, _ := ts.client().do("GET", "/orgs/o_NOSUCHORG/key", nil); status != 404 {
		t.Errorf("key of an unknown organisation: %d", status)
	}
	pub, err := cert.ParseKey(keyOut["public_key_multibase"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Verify(body, ts.now(), pub); err != nil {
		t.Fatalf("with the published key: %v", err)
	}
	tampered := bytes.Replace(body, []byte("sam@example.org"), []byte("sam@example.com"), 1)
	if _, err := cert.Verify(tampered, ts.now(), pub); err == nil {
		t.Fatal("a tampered credential verified")
	}

	// Anyone can check the file itself on the server: genuine, edited, or
	// re-signed by someone else under the same id.
	anyone := ts.client()
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"genuine", body, "valid"},
		{"edited", tampered, "not_valid"},
		{"forged", forge(t, body), "not_valid"},
	} {
		req, _ := http.NewRequest("POST", ts.http.URL+"/api/verify", bytes.NewReader(tc.body))
		resp, err := anyone.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		json.NewDecoder(resp.Body).Decode(&got)
		resp.Body.Close()
		if got["status"] != tc.want {
			t.Errorf("POST /api/verify %s: %v", tc.name, got)
		}
	}
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	mw.WriteField("credential", string(tampered))
	mw.Close()
	resp, err := anyone.http.Post(ts.http.URL+"/verify", mw.FormDataContentType(), &form)
	if err != nil {
		t.Fatal(err)
	}
	formPage, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(formPage), "Not valid.") || !strings.Contains(string(formPage), "changed after it was signed") {
		t.Errorf("verify form with an edited credential:\n%s", formPage)
	}

	// The public verify page and its JSON, without signing in.
	anon := ts.client()
	status, page, _ := anon.raw("/verify/" + id)
	if status != 200 || !strings.Contains(string(page), "Valid.") || !strings.Contains(string(page), "sam@example.org") {
		t.Fatalf("verify page: %d %s", status, page)
	}
	for _, private := range []string{runID, "Ana", "Eastside", "overall", "Test Certificate"} {
		if strings.Contains(string(page), private) {
			t.Errorf("the verify page says more than holder, course and dates: %q", private)
		}
	}
	if status, out := anon.do("GET", "/api/verify/"+id, nil); status != 200 || out["status"] != "valid" || out["holder"] != "sam@example.org" {
		t.Errorf("verify JSON: %d %v", status, out)
	}
	// The QR code printed on the certificate encodes the verify address.
	status, qrsvg, qrh := anon.raw("/verify/" + id + "/qr.svg")
	if status != 200 || qrh.Get("Content-Type") != "image/svg+xml" || !bytes.HasPrefix(qrsvg, []byte("<svg")) || !bytes.Contains(qrsvg, []byte("h1v1h-1z")) {
		t.Errorf("QR code: %d %s", status, qrsvg)
	}
	if status, _, _ := anon.raw("/verify/c_NOSUCHCERT/qr.svg"); status != 404 {
		t.Errorf("QR code of an unknown certificate: %d", status)
	}
	if status, page, _ := anon.raw("/verify/c_NOSUCHCERT"); status != 404 || !strings.Contains(string(page), "Unknown.") {
		t.Errorf("unknown certificate page: %d %s", status, page)
	}
	status, page, _ = anon.raw("/verify/" + "%3Cscript%3E")
	if strings.Contains(string(page), "<script>") {
		t.Errorf("verify page echoes markup: %d %s", status, page)
	}

	// The admin sees Sam certified, in the list, the CSV and the chart.
	status, out = admin.do("GET", "/api/admin/staff?course=test-short", nil)
	if status != 200 || len(out["staff"].([]any)) != 1 {
		t.Fatalf("staff: %d %v", status, out)
	}
	row := out["staff"].([]any)[0].(map[string]any)
	if row["status"] != "certified" || row["certificate_id"] != id || row["percent"] != 100.0 || row["days_left"] == nil {
		t.Errorf("staff row = %v", row)
	}
	if c := out["counts"].(map[string]any); c["certified"] != 1.0 {
		t.Errorf("counts = %v", c)
	}
	status, out = admin.do("GET", "/api/admin/certifications", nil)
	months := out["months"].([]any)
	if status != 200 || len(months) != 24 || months[23].(map[string]any)["issued"] != 1.0 {
		t.Errorf("chart: %d %v", status, out)
	}

	// A reason is required to revoke; then the verify page says revoked.
	if status, out := admin.do("POST", "/api/certificates/"+id+"/revoke", map[string]string{"reason": "  "}); status != 400 {
		t.Errorf("revoke without a reason: %d %v", status, out)
	}
	if status, out := sam.do("POST", "/api/certificates/"+id+"/revoke", map[string]string{"reason": "mine"}); status != 403 {
		t.Errorf("a trainee revoked: %d %v", status, out)
	}
	if status, out := admin.do("POST", "/api/certificates/"+id+"/revoke", map[string]string{"reason": "Issued in error."}); status != 200 || out["certificate"].(map[string]any)["status"] != "revoked" {
		t.Fatalf("revoke: %d %v", status, out)
	}
	if status, page, _ := anon.raw("/verify/" + id); status != 200 || !strings.Contains(string(page), "Revoked.") || strings.Contains(string(page), "Issued in error.") {
		t.Errorf("verify page after revoking (revoked, the reason kept private): %d %s", status, page)
	}
	// The old work does not earn it again.
	if c := sam.course("test-short"); c["certificate"].(map[string]any)["status"] != "revoked" || c["progress"].(map[string]any)["percent"] != 0.0 {
		t.Errorf("after revoking: %v %v", c["certificate"], c["progress"])
	}
	if status, out := admin.do("GET", "/api/admin/staff?status=revoked", nil); status != 200 || len(out["staff"].([]any)) != 1 {
		t.Errorf("staff, revoked: %d %v", status, out)
	}
}

// TestRequiredCourseFirst: a course that requires another is locked until
// its certificate is held, and work done before then does not count.
func TestRequiredCourseFirst(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	sam := admin.invite("trainee", "sam@example.org")
	advanced := map[string]any{"answers": map[string]int{"q1": 0}}
	if status, out := sam.do("POST", "/api/courses/test-advanced/modules/again/quiz", advanced); status != 403 || !strings.Contains(fmt.Sprint(out), "Test: a short course") {
		t.Fatalf("quiz of a locked course: %d %v", status, out)
	}
	sam.do("POST", "/api/courses/test-short/modules/only/quiz", shortAnswers)
	playScript(t, sam, "engagement-marcus", "poor")
	sam.waitCertificate("test-short")
	c := sam.course("test-advanced")
	if c["locked"] != false {
		t.Fatalf("still locked: %v", c)
	}
	pr := c["modules"].([]any)[0].(map[string]any)["practice"].([]any)[0].(map[string]any)
	if pr["met"] != false || pr["best"] != nil {
		t.Fatalf("a run from before the required certificate counts: %v", pr)
	}
	if status, out := sam.do("POST", "/api/courses/test-advanced/modules/again/quiz", advanced); status != 200 || out["certificate"] != nil {
		t.Fatalf("quiz: %d %v", status, out)
	}
	playScript(t, sam, "engagement-marcus", "poor")
	if cv := sam.waitCertificate("test-advanced"); cv["status"] != "valid" {
		t.Fatalf("advanced certificate: %v", cv)
	}
}

// TestRenewalAndExpiry moves the clock: the certificate becomes
// "expiring", a renewal run renews it, and without renewal it expires.
func TestRenewalAndExpiry(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	sam := admin.invite("trainee", "sam@example.org")
	if status, out := sam.do("POST", "/api/courses/test-short/modules/only/quiz", shortAnswers); status != 200 {
		t.Fatalf("quiz: %d %v", status, out)
	}
	playScript(t, sam, "engagement-marcus", "poor")
	first := sam.waitCertificate("test-short")
	if sam.course("test-short")["renewal"] != nil {
		t.Error("renewal open on a new certificate")
	}
	// The test course lasts 12 months; renewal opens a month before.
	ts.advance(340 * 24 * time.Hour)
	sam.signIn("sam@example.org", "a long enough password")
	admin.signIn("ana@example.org", "correct horse battery")
	c := sam.course("test-short")
	ren, ok := c["renewal"].(map[string]any)
	if !ok || c["certificate"].(map[string]any)["status"] != "expiring" || len(ren["practice"].([]any)) != 1 || ren["practice"].([]any)[0].(map[string]any)["met"] != false {
		t.Fatalf("near expiry: %v", c)
	}
	if status, out := admin.do("GET", "/api/admin/staff?expiring=30", nil); status != 200 || len(out["staff"].([]any)) != 1 {
		t.Errorf("expiring within 30 days: %d %v", status, out)
	}
	if status, out := admin.do("GET", "/api/admin/staff?expiring=sometime", nil); status != 400 {
		t.Errorf("bad filter: %d %v", status, out)
	}
	playScript(t, sam, "engagement-marcus", "poor")
	deadline := time.Now().Add(10 * time.Second)
	var certs []any
	for time.Now().Before(deadline) {
		_, out := sam.do("GET", "/api/certificates", nil)
		if certs = out["certificates"].([]any); len(certs) == 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(certs) != 2 {
		t.Fatalf("no renewal: %v", certs)
	}
	renewed := certs[0].(map[string]any)
	if renewed["renewal_of"] != first["id"] || renewed["status"] != "valid" {
		t.Fatalf("renewed = %v", renewed)
	}
	oldExp, _ := time.Parse(time.RFC3339, first["expires_at"].(string))
	newExp, _ := time.Parse(time.RFC3339, renewed["expires_at"].(string))
	if got := newExp.Sub(oldExp); got < 360*24*time.Hour || got > 370*24*time.Hour {
		t.Errorf("renewal extends by %v, want a year from the old expiry", got)
	}
	// Two years on, both have expired; the public page says so.
	ts.advance(2 * 365 * 24 * time.Hour)
	admin.signIn("ana@example.org", "correct horse battery")
	_, out := ts.client().do("GET", "/api/verify/"+renewed["id"].(string), nil)
	if out["status"] != "expired" {
		t.Errorf("after expiry: %v", out)
	}
	if status, out := admin.do("GET", "/api/admin/staff?status=expired", nil); status != 200 || len(out["staff"].([]any)) != 1 {
		t.Errorf("staff, expired: %d %v", status, out)
	}
}

// TestCoursesScoped: nobody reaches another organisation's people or
// certificates, through any course endpoint.
func TestCoursesScoped(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	sam := admin.invite("trainee", "sam@example.org")
	kim := admin.invite("trainee", "kim@example.org")
	sam.do("POST", "/api/courses/test-short/modules/only/quiz", shortAnswers)
	playScript(t, sam, "engagement-marcus", "poor")
	id := sam.waitCertificate("test-short")["id"].(string)
	olga := secondOrg(t, ts)

	for _, who := range []struct {
		name string
		c    *client
	}{{"another organisation's admin", olga}, {"a colleague", kim}, {"a trainer", admin.invite("trainer", "tess@example.org")}} {
		for _, path := range []string{"/api/certificates/" + id, "/api/certificates/" + id + "/credential.json"} {
			if status, out := who.c.do("GET", path, nil); status != 404 {
				t.Errorf("%s GET %s: %d %v", who.name, path, status, out)
			}
		}
		if status, out := who.c.do("POST", "/api/certificates/"+id+"/revoke", map[string]string{"reason": "x"}); status != 404 && status != 403 {
			t.Errorf("%s revoked: %d %v", who.name, status, out)
		}
		if _, out := who.c.do("GET", "/api/certificates", nil); len(out["certificates"].([]any)) != 0 {
			t.Errorf("%s lists certificates: %v", who.name, out)
		}
	}
	for _, path := range []string{"/api/admin/staff", "/api/admin/staff.csv", "/api/admin/certifications"} {
		if status, _ := kim.do("GET", path, nil); status != 403 {
			t.Errorf("a trainee GET %s: %d", path, status)
		}
	}
	if _, out := olga.do("GET", "/api/admin/staff", nil); len(out["staff"].([]any)) != 0 || strings.Contains(mustJSON(out), "sam@") {
		t.Errorf("another organisation's staff view: %v", out)
	}
	status, body, _ := olga.raw("/api/admin/staff.csv")
	if status != 200 || strings.Contains(string(body), "sam@") {
		t.Errorf("another organisation's CSV: %d %s", status, body)
	}
	if _, out := olga.do("GET", "/api/admin/certifications", nil); strings.Contains(mustJSON(out), `"issued":1`) {
		t.Errorf("another organisation's chart counts ours: %v", out)
	}
	// Kim's progress is Kim's own.
	if c := kim.course("test-short"); c["progress"].(map[string]any)["done"] != 0.0 || c["certificate"] != nil {
		t.Errorf("a colleague sees Sam's progress: %v", c)
	}
	// Quiz attempts are limited to 30 a minute per person.
	limited := false
	for range 31 {
		if status, _ := kim.do("POST", "/api/courses/test-short/modules/only/quiz", shortAnswers); status == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Error("31 quiz attempts in a minute were all accepted")
	}
	// Cross-site posts are refused.
	if status, _ := admin.do("POST", "/api/certificates/"+id+"/revoke", map[string]string{"reason": "x"}, "Origin", "https://evil.example"); status != 403 {
		t.Errorf("cross-site revoke: %d", status)
	}
}

// TestStaffCSVAndFilters checks the export's columns, the CSV-injection
// guard, filters and sorting.
func TestStaffCSVAndFilters(t *testing.T) {
	ts := newServer(t, storetest.SQLiteDSN(t))
	admin := ts.admin()
	eve := admin.invite("trainee", "=cmd@example.org")
	zoe := admin.invite("trainee", "zoe@example.org")
	eve.do("POST", "/api/courses/sbcm-basic/enroll", nil)
	zoe.do("POST", "/api/courses/test-short/modules/only/quiz", shortAnswers)

	status, body, hdr := admin.raw("/api/admin/staff.csv?sort=-name")
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", status, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "name,email,role,course,course_title,enrolled_at,percent,status,certificate_id,issued_at,expires_at,days_left" {
		t.Errorf("header = %v", rows[0])
	}
	if len(rows) != 3 || rows[1][1] != "zoe@example.org" || rows[2][1] != "'=cmd@example.org" || rows[1][6] != "50" || rows[1][7] != "in_progress" {
		t.Errorf("rows = %v", rows)
	}
	_, out := admin.do("GET", "/api/admin/staff?q=ZOE", nil)
	if len(out["staff"].([]any)) != 1 {
		t.Errorf("search: %v", out)
	}
	_, out = admin.do("GET", "/api/admin/staff?status=enrolled", nil)
	if len(out["staff"].([]any)) != 1 || out["staff"].([]any)[0].(map[string]any)["course"] != "sbcm-basic" {
		t.Errorf("status filter: %v", out)
	}
	_, out = admin.do("GET", "/api/admin/staff?sort=-progress", nil)
	if out["staff"].([]any)[0].(map[string]any)["percent"] != 50.0 {
		t.Errorf("sort by progress: %v", out)
	}
	for _, q := range []string{"sort=salary", "status=asleep", "expiring=45"} {
		if status, out := admin.do("GET", "/api/admin/staff?"+q, nil); status != 400 {
			t.Errorf("%s: %d %v", q, status, out)
		}
	}
}
