// The Go reference for test/gjson-diff.test.ts: gjson.Get(json, path) for every case on stdin, as ESO's
// providers call it (Exists() and String()), plus encoding/json's view of the same bytes as ESO's
// JSONToSecretDataMap reads them (dataFrom.extract). Built in GOPATH mode from Debian's packages.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/tidwall/gjson"
)

type input struct {
	Name string `json:"name"`
	JSON string `json:"json"` // base64
	Path string `json:"path"` // base64
	Mode string `json:"mode"` // "get" (default) or "extract"
}

type output struct {
	Name   string            `json:"name"`
	Exists bool              `json:"exists"`
	Type   string            `json:"type"`
	Str    string            `json:"str"` // base64 of Result.String()
	Panic  string            `json:"panic,omitempty"`
	Map    map[string]string `json:"map,omitempty"` // extract: base64 key -> base64 value
	Error  bool              `json:"error,omitempty"`
}

// JSONToSecretDataMap, as in ESO's runtime/esutils/utils.go.
func jsonToSecretDataMap(data []byte) (map[string][]byte, error) {
	kv := make(map[string]json.RawMessage)
	if err := json.Unmarshal(data, &kv); err != nil {
		return nil, err
	}
	secretData := make(map[string][]byte, len(kv))
	for k, v := range kv {
		var strVal string
		if err := json.Unmarshal(v, &strVal); err == nil {
			secretData[k] = []byte(strVal)
		} else {
			secretData[k] = v
		}
	}
	return secretData, nil
}

func run(in input) (out output) {
	out.Name = in.Name
	defer func() {
		if r := recover(); r != nil {
			out.Panic = fmt.Sprint(r)
		}
	}()
	j, _ := base64.StdEncoding.DecodeString(in.JSON)
	if in.Mode == "extract" {
		m, err := jsonToSecretDataMap(j)
		if err != nil {
			out.Error = true
			return
		}
		out.Map = map[string]string{}
		for k, v := range m {
			out.Map[base64.StdEncoding.EncodeToString([]byte(k))] = base64.StdEncoding.EncodeToString(v)
		}
		return
	}
	p, _ := base64.StdEncoding.DecodeString(in.Path)
	r := gjson.Get(string(j), string(p))
	out.Exists = r.Exists()
	out.Type = r.Type.String()
	out.Str = base64.StdEncoding.EncodeToString([]byte(r.String()))
	return
}

// JSON in, JSON out: test/helpers/go-batch.go.
func main() { runBatch(run) }
