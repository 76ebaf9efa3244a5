// The Go reference for test/go-regexp-diff.test.ts: Go's regexp package (stdlib only) on each case,
// as ESO and sprig call it. rewrite[].regexp is regexp.Compile(source) then ReplaceAllString(key,
// target) (runtime/esutils/utils.go RewriteRegexp); find.name.regexp is MatchString
// (runtime/find/find.go); sprig's regex functions are FindAllString, ReplaceAllString,
// ReplaceAllLiteralString and Split. Strings travel as base64 so that invalid UTF-8 survives.
// Input: a JSON array of cases on stdin; output: a JSON array of results in the same order.
package main

import (
	"encoding/base64"
	"fmt"
	"regexp"
)

type input struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern"` // base64
	Src     string `json:"src"`     // base64
	Repl    string `json:"repl"`    // base64
	N       int    `json:"n"`
}

type output struct {
	Name       string   `json:"name"`
	Error      string   `json:"error,omitempty"` // base64 of err.Error()
	Match      bool     `json:"match"`
	Replace    string   `json:"replace"`    // base64
	ReplaceLit string   `json:"replaceLit"` // base64
	FindAll    [][]int  `json:"findAll"`    // FindAllStringSubmatchIndex(src, n)
	Split      []string `json:"split"`      // base64 each; null for a nil slice
	SplitNil   bool     `json:"splitNil"`
	NumSubexp  int      `json:"numSubexp"`
	Panic      string   `json:"panic,omitempty"`
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func unb64(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func run(in input) (out output) {
	out.Name = in.Name
	defer func() {
		if r := recover(); r != nil {
			out.Panic = fmt.Sprint(r)
		}
	}()
	re, err := regexp.Compile(unb64(in.Pattern))
	if err != nil {
		out.Error = b64(err.Error())
		return
	}
	src, repl := unb64(in.Src), unb64(in.Repl)
	out.NumSubexp = re.NumSubexp()
	out.Match = re.MatchString(src)
	out.Replace = b64(re.ReplaceAllString(src, repl))
	out.ReplaceLit = b64(re.ReplaceAllLiteralString(src, repl))
	out.FindAll = re.FindAllStringSubmatchIndex(src, in.N)
	if out.FindAll == nil {
		out.FindAll = [][]int{}
	}
	parts := re.Split(src, in.N)
	out.SplitNil = parts == nil
	for _, p := range parts {
		out.Split = append(out.Split, b64(p))
	}
	return
}

// JSON in, JSON out: test/helpers/go-batch.go.
func main() { runBatch(run) }
