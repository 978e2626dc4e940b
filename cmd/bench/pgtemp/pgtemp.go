// Package pgtemp makes throwaway Postgres databases for benchmark runs:
// each run gets a fresh database with a random name and drops it after.
package pgtemp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// DB is a database made by Create.
type DB struct {
	Name     string
	URL      string // AdminURL with the database name swapped in
	adminURL string
}

// Create makes a database named prefix plus a random suffix on the server
// of adminURL, whose user must be allowed to create databases.
func Create(ctx context.Context, adminURL, prefix string) (*DB, error) {
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	name := prefix + "_" + hex.EncodeToString(b[:])
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", u.Host, err)
	}
	defer conn.Close(ctx)
	// An identifier cannot be a $n parameter; the name is a constant
	// prefix and hex digits, quoted anyway.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, fmt.Errorf("create database %s: %w", name, err)
	}
	u.Path = "/" + name
	return &DB{Name: name, URL: u.String(), adminURL: adminURL}, nil
}

// Existing describes a database that is not this package's to drop: Drop
// leaves it alone.
func Existing(dbURL string) (*DB, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return nil, fmt.Errorf("database URL %s names no database", u.Redacted())
	}
	return &DB{Name: name, URL: dbURL}, nil
}

// Drop drops the database, closing any connection still open to it. A
// database from Existing is kept.
func (d *DB) Drop(ctx context.Context) error {
	if d.adminURL == "" {
		return nil
	}
	conn, err := pgx.Connect(ctx, d.adminURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.Name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %w", d.Name, err)
	}
	return nil
}
