// Reference for test/webhook-diff.test.ts: the parts of ESO v2.9.0's webhook provider that need no
// third-party library, copied from providers/v1/webhook (webhook.go extractSecretData, pkg/webhook
// GetSecretMap after the jsonpath step, esutils.GetByteValue) and its templates (text/template over
// map[string]map[string]string, default missingkey). JSON in on stdin, JSON out.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/template"
)

type input struct {
	Data      map[string]map[string]string `json:"data"`
	Templates []string                     `json:"templates"`
	Bodies    []string                     `json:"bodies"`
}

type result struct {
	Ok    bool              `json:"ok"`
	Value string            `json:"value,omitempty"`
	Map   map[string]string `json:"map,omitempty"`
	Err   string            `json:"err,omitempty"`
}

func getByteValue(v any) ([]byte, error) {
	switch t := v.(type) {
	case string:
		return []byte(t), nil
	case map[string]any:
		return json.Marshal(t)
	case []any:
		return json.Marshal(t)
	case float64:
		return []byte(strconv.FormatFloat(t, 'f', -1, 64)), nil
	case bool:
		return []byte(strconv.FormatBool(t)), nil
	case nil:
		return []byte(nil), nil
	default:
		return nil, fmt.Errorf("unexpected type %T", t)
	}
}

func extractSecretData(jsondata any) ([]byte, error) {
	switch val := jsondata.(type) {
	case bool:
		return []byte(strconv.FormatBool(val)), nil
	case nil:
		return []byte{}, nil
	case float64:
		return []byte(strconv.FormatFloat(val, 'f', 0, 64)), nil
	case string:
		return []byte(val), nil
	case []any:
		if len(val) == 0 {
			return nil, errors.New("filter worked but didn't get any result")
		}
		return extractSecretData(val[0])
	case map[string]any:
		return json.Marshal(val)
	default:
		return nil, fmt.Errorf("failed to get response (wrong type: %T)", jsondata)
	}
}

func secretMap(body string) (map[string]string, error) {
	var jsondata any
	if err := json.Unmarshal([]byte(body), &jsondata); err != nil {
		return nil, errors.New("failed to parse response json")
	}
	if s, ok := jsondata.(string); ok {
		if err := json.Unmarshal([]byte(s), &jsondata); err != nil {
			return nil, errors.New("failed to parse response json from jsonpath")
		}
	}
	m, ok := jsondata.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("failed to get response (wrong type: %T)", jsondata)
	}
	out := map[string]string{}
	for k := range m {
		b, err := getByteValue(m[k])
		if err != nil {
			return nil, err
		}
		out[k] = string(b)
	}
	return out, nil
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := map[string][]result{}
	for _, t := range in.Templates {
		var b strings.Builder
		tp, err := template.New("webhooktemplate").Parse(t)
		if err == nil {
			err = tp.Execute(&b, in.Data)
		}
		if err != nil {
			out["templates"] = append(out["templates"], result{Err: err.Error()})
		} else {
			out["templates"] = append(out["templates"], result{Ok: true, Value: b.String()})
		}
	}
	for _, body := range in.Bodies {
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			out["values"] = append(out["values"], result{Err: "failed to parse response json"})
		} else if b, err := extractSecretData(v); err != nil {
			out["values"] = append(out["values"], result{Err: err.Error()})
		} else {
			out["values"] = append(out["values"], result{Ok: true, Value: string(b)})
		}
		if m, err := secretMap(body); err != nil {
			out["maps"] = append(out["maps"], result{Err: err.Error()})
		} else {
			out["maps"] = append(out["maps"], result{Ok: true, Map: m})
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}
