// Reference renderer for the differential test: Go's text/template with sprig's function map as
// ESO's v2 engine configures it (no env, expandenv, getHostByName; plus hexdec, toYaml, fromYaml), and
// htpasswd with sprig 3.3's signature (sprig33/), the version ESO vendors.
// Reads a JSON array of cases on stdin and writes a JSON array of results on stdout.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"

	sprig33 "esoref/sprig33" // package sprig: sprig 3.3 signatures
	"github.com/Masterminds/sprig" // Debian GOPATH layout of sprig v3
	"github.com/ghodss/yaml"
)

type options struct {
	LeftDelim  string `json:"leftDelim"`
	RightDelim string `json:"rightDelim"`
	MissingKey string `json:"missingKey"`
}

type testCase struct {
	Name       string            `json:"name"`
	Key        string            `json:"key"`
	Template   string            `json:"template"`
	Data       map[string]string `json:"data"`
	DataBase64 map[string]string `json:"dataBase64"`
	Options    *options          `json:"options"`
}

type failure struct {
	Kind    string `json:"kind"`
	Message string `json:"message"`
}

type result struct {
	Name   string   `json:"name"`
	Output *string  `json:"output,omitempty"`
	Error  *failure `json:"error,omitempty"`
}

// hexdec as ESO adds it: decoding errors become the output text.
func hexdec(s string) string {
	d, err := hex.DecodeString(s)
	if err != nil {
		return err.Error()
	}
	return string(d)
}

// toYaml/fromYaml as ESO defines them on top of the JSON-compatible YAML marshaller.
func toYaml(v interface{}) string {
	out, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(out), "\n")
}

func fromYaml(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func funcMap() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		delete(fm, name)
	}
	fm["hexdec"] = hexdec
	fm["htpasswd"] = sprig33.Htpasswd
	fm["toYaml"] = toYaml
	fm["fromYaml"] = fromYaml
	return fm
}

func run(c testCase, fm template.FuncMap) (res result) {
	res.Name = c.Name
	defer func() {
		if r := recover(); r != nil {
			res.Output = nil
			res.Error = &failure{Kind: "panic", Message: fmt.Sprint(r)}
		}
	}()
	key := c.Key
	if key == "" {
		key = "key"
	}
	o := options{LeftDelim: "{{", RightDelim: "}}", MissingKey: "error"}
	if c.Options != nil {
		if c.Options.LeftDelim != "" {
			o.LeftDelim = c.Options.LeftDelim
		}
		if c.Options.RightDelim != "" {
			o.RightDelim = c.Options.RightDelim
		}
		if c.Options.MissingKey != "" {
			o.MissingKey = c.Options.MissingKey
		}
	}
	data := map[string]string{}
	for k, v := range c.Data {
		data[k] = v
	}
	for k, v := range c.DataBase64 {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			res.Error = &failure{Kind: "case", Message: "bad dataBase64 for " + k}
			return
		}
		data[k] = string(b)
	}
	t := template.New(key).Funcs(fm).Delims(o.LeftDelim, o.RightDelim)
	if o.MissingKey == "error" {
		t = t.Option("missingkey=error")
	}
	t, err := t.Parse(c.Template)
	if err != nil {
		res.Error = &failure{Kind: "parse", Message: err.Error()}
		return
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		res.Error = &failure{Kind: "exec", Message: err.Error()}
		return
	}
	out := base64.StdEncoding.EncodeToString(buf.Bytes())
	res.Output = &out
	return
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "reading cases:", err)
		os.Exit(2)
	}
	fm := funcMap()
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		results = append(results, run(c, fm))
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "writing results:", err)
		os.Exit(2)
	}
}
