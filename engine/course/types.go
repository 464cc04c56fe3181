package course

import "oasis/engine/scenario"

// Catalog is a set of courses loaded together, by id.
type Catalog struct {
	// Order lists the course ids in load order: by file name.
	Order []string
	byID  map[string]*Course
}

// Get returns the course with the given id.
func (c *Catalog) Get(id string) (*Course, bool) {
	if c == nil {
		return nil, false
	}
	co, ok := c.byID[id]
	return co, ok
}

// All returns the courses in Order.
func (c *Catalog) All() []*Course {
	if c == nil {
		return nil
	}
	out := make([]*Course, 0, len(c.Order))
	for _, id := range c.Order {
		out = append(out, c.byID[id])
	}
	return out
}

func (c *Catalog) add(co *Course) {
	if c.byID == nil {
		c.byID = map[string]*Course{}
	}
	c.Order = append(c.Order, co.ID)
	c.byID[co.ID] = co
}

// Course is a sequence of modules that ends in a certificate.
type Course struct {
	ID      string
	Title   string
	Summary string
	// Level is "basic" or "advanced".
	Level string
	// Requires lists the ids of courses whose certificate is needed before
	// this one can be started.
	Requires    []string
	Certificate Certificate
	Modules     []Module
	// File is the path the course was loaded from.
	File string

	pos     scenario.Pos   // of the id, for messages naming the course
	reqPos  []scenario.Pos // of each Requires entry
	renePos []scenario.Pos // of each Certificate.Renewal entry
}

// Practice returns the practice requirement with the given id, from any
// module.
func (c *Course) Practice(id string) (Practice, bool) {
	for _, m := range c.Modules {
		for _, p := range m.Practice {
			if p.ID == id {
				return p, true
			}
		}
	}
	return Practice{}, false
}

// Certificate describes what completing a course earns.
type Certificate struct {
	Title string
	// ValidMonths is how long a certificate lasts.
	ValidMonths int
	// RenewWithinMonths is how long before expiry renewal opens.
	RenewWithinMonths int
	// Renewal lists the practice ids a renewal asks for again.
	Renewal []string
}

// Module is one lesson with its quiz and practice requirements.
type Module struct {
	ID       string
	Title    string
	Lesson   Lesson
	Quiz     Quiz
	Practice []Practice
}

// Lesson is a module's reading, rendered from Markdown at load time.
type Lesson struct {
	// Path is the lesson file as the course names it, relative to the
	// course file.
	Path string
	// HTML is the rendered lesson; raw HTML in the source is left out, so
	// it is safe to insert into a page.
	HTML     string
	Headings []Heading
	// Words counts the words of the Markdown, for a reading time.
	Words int
}

// Heading is one heading of a lesson, with the anchor id it was given.
type Heading struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Level int    `json:"level"`
}

// Quiz is a module's multiple-choice quiz.
type Quiz struct {
	// Pass is the percent of questions right needed to pass (1 to 100).
	Pass      int
	Questions []Question
}

// Question is one multiple-choice question; at least one option is correct.
type Question struct {
	ID      string
	Prompt  string
	Options []Option
}

// Option is one answer to a question, with why it is right or wrong.
type Option struct {
	Text        string
	Correct     bool
	Explanation string
}

// Practice is a requirement for a run of a scenario that meets criteria.
type Practice struct {
	ID       string
	Scenario string
	// Title is the scenario's title, from the library.
	Title string
	// Kind is "roleplay" or "case", from the library.
	Kind string
	// Mode is "free", "beginner" or "any".
	Mode string
	Pass Criteria
}

// The practice modes.
const (
	ModeAny      = "any"
	ModeFree     = "free"
	ModeBeginner = "beginner"
)

// Criteria are what a role play run must show; every criterion given must
// hold. A nil pointer or empty list is a criterion not given.
type Criteria struct {
	// Outcomes lists outcome ids; the run must end with one of them.
	Outcomes []string
	// Ratings lists outcome ratings; the run must end with one of them.
	Ratings []string
	// At least.
	StrengthsRatio, OpenShare, ReflectionsPerQuestion *float64
	// At least.
	Overall, StrengthsRevealed *int
	// At most.
	MissedRisk *int

	// outcomeTitles holds the title of each of Outcomes, from the library
	// ("" when unknown), for describing them in the trainee's words.
	outcomeTitles []string
}

func (c Criteria) empty() bool {
	return len(c.Outcomes) == 0 && len(c.Ratings) == 0 && c.StrengthsRatio == nil && c.OpenShare == nil &&
		c.ReflectionsPerQuestion == nil && c.Overall == nil && c.StrengthsRevealed == nil && c.MissedRisk == nil
}
