// The Go reference for test/goyaml-diff.test.ts: how ESO reads YAML text through sigs.k8s.io/yaml over
// goyaml v2, in both places eso-render reproduces it. For each input text:
//   - kv: KeysAndValues (runtime/template/v2/template.go: yaml.Unmarshal(val, &map[string]string{}));
//   - fromYaml: the template function (runtime/template/v2/yaml.go: yaml.Unmarshal([]byte(str),
//     &map[string]any{}), the error text put under "Error").
// Built from Debian's golang-github-ghodss-yaml-dev (sigs.k8s.io/yaml's ancestor, same error wrapping)
// and golang-gopkg-yaml.v2-dev, in GOPATH mode.
// Versions (checked for issue 15): ESO v2.9.0's go.mod has sigs.k8s.io/yaml v1.6.0 over go.yaml.in/yaml/v2
// v2.4.4 (gopkg.in/yaml.v2 v2.4.0 is only an indirect dependency of others) and go 1.26.5. Debian's
// golang-gopkg-yaml.v2-dev 2.4.0-4 carries no patches; its .go files are byte for byte those of
// go.yaml.in/yaml/v2 v2.4.4 but for one doc comment's URL (v2.4.1..v2.4.4 changed only the module path,
// docs, tests and go.mod), so nothing differs on these paths. ghodss/yaml's yamlToJSON and
// convertToJSONableObject are sigs.k8s.io/yaml v1.6.0's but for the capital of "Unsupported map key"
// (the test maps it). Go 1.19 against ESO's Go 1.26: encoding/json writes U+0008/U+000C as \u0008/\u000c
// before Go 1.22 and \b/\f after (the test maps them), and names no key in a type error.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

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

// JSON in, JSON out: test/helpers/go-batch.go.
func main() {
	runBatch(func(in input) output {
		b, _ := base64.StdEncoding.DecodeString(in.Text)
		return output{Name: in.Name, KV: kv(b), FromYaml: fromYaml(b)}
	})
}
