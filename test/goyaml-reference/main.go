// The Go reference for test/goyaml-diff.test.ts: how ESO reads YAML text through sigs.k8s.io/yaml over
// goyaml v2, in both places eso-render reproduces it. For each input text:
//   - kv: KeysAndValues (runtime/template/v2/template.go: yaml.Unmarshal(val, &map[string]string{}));
//   - fromYaml: the template function (runtime/template/v2/yaml.go: yaml.Unmarshal([]byte(str),
//     &map[string]any{}), the error text put under "Error").
// Built from Debian's golang-github-ghodss-yaml-dev (sigs.k8s.io/yaml's ancestor, same error wrapping)
// and golang-gopkg-yaml.v2-dev, in GOPATH mode.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"

	"github.com/ghodss/yaml"
)

type input struct {
	Name string `json:"name"`
	Text string `json:"text"` // base64
}

type result struct {
	Error string `json:"error,omitempty"`
	JSON  string `json:"json,omitempty"` // json.Marshal of the map (base64)
	Panic string `json:"panic,omitempty"`
}

type output struct {
	Name     string `json:"name"`
	KV       result `json:"kv"`
	FromYaml result `json:"fromYaml"`
}

func kv(b []byte) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r.Panic = fmt.Sprint(p)
		}
	}()
	m := make(map[string]string)
	if err := yaml.Unmarshal(b, &m); err != nil {
		r.Error = err.Error()
		return
	}
	j, _ := json.Marshal(m)
	r.JSON = base64.StdEncoding.EncodeToString(j)
	return
}

func fromYaml(b []byte) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r.Panic = fmt.Sprint(p)
		}
	}()
	m := map[string]interface{}{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		r.Error = err.Error()
		return
	}
	j, err := json.Marshal(m)
	if err != nil {
		r.Error = "marshal: " + err.Error()
		return
	}
	r.JSON = base64.StdEncoding.EncodeToString(j)
	return
}

func main() {
	var ins []input
	if err := json.NewDecoder(os.Stdin).Decode(&ins); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	outs := make([]output, 0, len(ins))
	for _, in := range ins {
		b, _ := base64.StdEncoding.DecodeString(in.Text)
		outs = append(outs, output{Name: in.Name, KV: kv(b), FromYaml: fromYaml(b)})
	}
	if err := json.NewEncoder(os.Stdout).Encode(outs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
