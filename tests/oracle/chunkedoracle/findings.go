package main

import (
	"fmt"
	"os"
)

// findings collects the errors (a reader would refuse the blob) and warnings (worth knowing, not fatal) of one check.
// Every message goes to stderr as found; the verdict keeps the first maxKept of each kind and the counts.
type findings struct {
	Errors       []string `json:"errors"`
	ErrorCount   int      `json:"error_count"`
	Warnings     []string `json:"warnings"`
	WarningCount int      `json:"warning_count"`
	maxKept      int
}

func newFindings() *findings {
	return &findings{Errors: []string{}, Warnings: []string{}, maxKept: 50}
}

func (f *findings) fail(format string, a ...interface{}) {
	msg := fmt.Sprintf(format, a...)
	f.ErrorCount++
	if len(f.Errors) < f.maxKept {
		f.Errors = append(f.Errors, msg)
	}
	if f.ErrorCount <= 1000 {
		fmt.Fprintln(os.Stderr, "error:", msg)
	}
}

func (f *findings) warn(format string, a ...interface{}) {
	msg := fmt.Sprintf(format, a...)
	f.WarningCount++
	if len(f.Warnings) < f.maxKept {
		f.Warnings = append(f.Warnings, msg)
	}
	if f.WarningCount <= 200 {
		fmt.Fprintln(os.Stderr, "warning:", msg)
	}
}

func (f *findings) ok() bool { return f.ErrorCount == 0 }
