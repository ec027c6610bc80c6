package config

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/go-playground/validator/v10"
)

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	must(v.RegisterValidation("postgres_url", func(fl validator.FieldLevel) bool {
		u, err := url.Parse(fl.Field().String())
		return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") && u.Host != ""
	}))
	must(v.RegisterValidation("keystore_url", func(fl validator.FieldLevel) bool {
		s := fl.Field().String()
		if path, ok := strings.CutPrefix(s, "file:"); ok {
			return path != ""
		}
		u, err := url.Parse(s)
		return err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") && u.Host != ""
	}))
	must(v.RegisterValidation("base64_32", func(fl validator.FieldLevel) bool {
		s := strings.TrimSpace(fl.Field().String())
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				return len(b) == 32
			}
		}
		return false
	}))
	return v
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// describe turns a validation failure into "key (ENV): what is wrong".
func describe(fe validator.FieldError) string {
	ns := fe.Namespace()
	if i := strings.IndexByte(ns, '.'); i >= 0 {
		ns = ns[i+1:] // drop the root type name
	}
	key := ns
	if env := envFor(fe.StructNamespace()); env != "" {
		key += " (" + env + ")"
	}
	var why string
	switch fe.Tag() {
	case "required":
		why = "is required"
	case "hostname_port":
		why = "must be host:port, e.g. 127.0.0.1:8080"
	case "http_url":
		why = "must be an http(s) URL"
	case "postgres_url":
		why = "must be a postgres:// URL (leave empty for the embedded store)"
	case "keystore_url":
		why = "must be a postgres:// URL or file:PATH"
	case "base64_32":
		why = "must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)"
	case "oneof":
		why = "must be one of: " + fe.Param()
	case "min":
		why = "must be at least " + fe.Param()
	case "max":
		why = "must be at most " + fe.Param()
	case "gte", "lte":
		why = fmt.Sprintf("must be %s %s", map[string]string{"gte": ">=", "lte": "<="}[fe.Tag()], fe.Param())
	case "gtfield":
		why = "must be greater than " + fe.Param()
	case "numeric":
		why = "must be digits only"
	case "len":
		why = "must have length " + fe.Param()
	case "uppercase":
		why = "must be upper case"
	default:
		why = "fails rule " + fe.Tag()
	}
	if !isSecret(fe.StructNamespace()) && fe.Kind() == reflect.String && fe.Value() != "" && fe.Tag() != "required" {
		why += fmt.Sprintf(" (got %q)", fe.Value())
	}
	return key + ": " + why
}

// fieldFor resolves "Config.WhatsApp.APIURL" to its struct field.
func fieldFor(structNS string) (reflect.StructField, bool) {
	parts := strings.Split(structNS, ".")
	t := reflect.TypeOf(Config{})
	var f reflect.StructField
	for _, p := range parts[1:] {
		if i := strings.IndexByte(p, '['); i >= 0 {
			p = p[:i]
		}
		if t.Kind() != reflect.Struct {
			return f, false
		}
		var ok bool
		f, ok = t.FieldByName(p)
		if !ok {
			return f, false
		}
		t = f.Type
	}
	return f, true
}

func envFor(structNS string) string {
	f, ok := fieldFor(structNS)
	if !ok {
		return ""
	}
	return f.Tag.Get("env")
}

func isSecret(structNS string) bool {
	f, ok := fieldFor(structNS)
	return ok && f.Tag.Get("secret") == "true"
}
