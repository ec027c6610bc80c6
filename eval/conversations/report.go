package conversations

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// WriteTable prints one line per conversation and its failures.
func (r *Report) WriteTable(w io.Writer) error {
	for _, res := range r.Results {
		status := "PASS"
		switch {
		case res.Skipped != "":
			status = "SKIP"
		case !res.Passed:
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s  %s (%d turns, %.0f ms)\n", status, res.Name, res.Turns, float64(res.Duration.Microseconds())/1000)
		if res.Skipped != "" {
			fmt.Fprintf(w, "      skipped: %s\n", res.Skipped)
		}
		if res.Error != "" {
			fmt.Fprintf(w, "      error: %s\n", res.Error)
		}
		for _, f := range res.Failures {
			where := ""
			if f.Turn > 0 {
				where = fmt.Sprintf("turn %d", f.Turn)
				if f.Line > 0 {
					where += fmt.Sprintf(" (%s:%d)", r.File, f.Line)
				}
				where += ": "
			}
			fmt.Fprintf(w, "      %s%s\n", where, f.Message)
		}
	}
	_, err := fmt.Fprintf(w, "\n%d conversations: %d passed, %d failed, %d skipped\n", r.Total, r.Passed, r.Failed, r.Skipped)
	return err
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitProblem `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML (one testcase per conversation) for CI.
func (r *Report) WriteJUnit(w io.Writer) error {
	secs := func(d interface{ Seconds() float64 }) string { return fmt.Sprintf("%.3f", d.Seconds()) }
	s := junitSuite{Name: "veil conversations: " + r.File, Time: secs(r.Duration)}
	for _, res := range r.Results {
		c := junitCase{Name: res.Name, Classname: "veil.conversations", Time: secs(res.Duration), File: r.File, Line: res.Line}
		switch {
		case res.Skipped != "":
			c.Skipped = &junitProblem{Message: res.Skipped}
			s.Skipped++
		case res.Error != "":
			c.Error = &junitProblem{Message: res.Error, Type: "runner"}
			s.Errors++
		case !res.Passed:
			var lines []string
			for _, f := range res.Failures {
				if f.Turn > 0 {
					lines = append(lines, fmt.Sprintf("turn %d: %s", f.Turn, f.Message))
				} else {
					lines = append(lines, f.Message)
				}
			}
			c.Failure = &junitProblem{Message: fmt.Sprintf("%d assertion(s) failed", len(res.Failures)), Type: "assertion", Body: strings.Join(lines, "\n")}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
		s.Tests++
	}
	out := junitSuites{Name: "veil eval conversations", Tests: s.Tests, Failures: s.Failures, Errors: s.Errors, Skipped: s.Skipped, Time: s.Time, Suites: []junitSuite{s}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// Merge combines the reports of several suite files into one.
func Merge(reps ...*Report) *Report {
	if len(reps) == 1 {
		return reps[0]
	}
	out := &Report{}
	var files []string
	for _, r := range reps {
		files = append(files, r.File)
		out.Total += r.Total
		out.Passed += r.Passed
		out.Failed += r.Failed
		out.Skipped += r.Skipped
		out.Duration += r.Duration
		for _, res := range r.Results {
			if len(reps) > 1 {
				res.Name = r.File + ": " + res.Name
			}
			out.Results = append(out.Results, res)
		}
	}
	out.File = strings.Join(files, ", ")
	return out
}
