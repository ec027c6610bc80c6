// Package config loads Veil's configuration from a YAML file and the
// environment (environment wins) and validates it with validator/v10.
// A bad value stops start-up with an error naming the key, never its value
// when the key holds a secret.
package config
