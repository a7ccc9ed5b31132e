package main

// The connector kinds compiled into ferry register themselves with
// internal/connector when imported.
import (
	_ "github.com/ferryhub/ferry/internal/connector/clientify"
	_ "github.com/ferryhub/ferry/internal/connector/mycashflow"
	_ "github.com/ferryhub/ferry/internal/connector/odoo"
	_ "github.com/ferryhub/ferry/internal/connector/ogoship"
	_ "github.com/ferryhub/ferry/internal/connector/ongoing"
	_ "github.com/ferryhub/ferry/internal/connector/shopify"
)
