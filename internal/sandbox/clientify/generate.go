package clientify

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Seeded is one record of initial data: its body as a client would POST it
// (contacts name their company by id), its id, and its age: created is Age
// before the sandbox starts, modified Touched before (Touched ≤ Age).
type Seeded struct {
	ID      int            `json:"id"`
	Age     time.Duration  `json:"age"`
	Touched time.Duration  `json:"touched"`
	Body    map[string]any `json:"body"`
}

// Data is an account's initial content (Options.Data, Generate).
type Data struct {
	Companies []Seeded `json:"companies"`
	Contacts  []Seeded `json:"contacts"`
	Products  []Seeded `json:"products"`
	Deals     []Seeded `json:"deals"`
	Orders    []Seeded `json:"orders"`
	Traps     Traps    `json:"traps"`
}

// Traps names the generated records that trouble a sync, as real CRMs do:
// two contacts with one e-mail, one taxpayer id written with and without a
// blank on two companies (the sandbox compares ids exactly: no 409), and one
// SKU on two products. Ids are zero when there were too few records.
type Traps struct {
	SharedEmail          string `json:"shared_email"`
	SharedEmailContacts  [2]int `json:"shared_email_contacts"`
	PlainTaxID           string `json:"plain_tax_id"`  // "B12345678"
	SpacedTaxID          string `json:"spaced_tax_id"` // "B 12345678"
	TaxIDCompanies       [2]int `json:"tax_id_companies"`
	DuplicateSKU         string `json:"duplicate_sku"`
	DuplicateSKUProducts [2]int `json:"duplicate_sku_products"`
}

var (
	firstNames = []string{"Juan", "María", "José", "Lucía", "Antonio", "Carmen", "Manuel", "Ana", "Francisco", "Laura", "David", "Marta", "Javier", "Elena", "Pablo", "Sofía", "Álvaro", "Núria", "Jordi", "Iñaki"}
	lastNames  = []string{"García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Vázquez", "Castro"}
	sectors    = []string{"Construcciones", "Distribuciones", "Logística", "Alimentación", "Textil", "Ingeniería", "Consultoría", "Hostelería"}
	suffixes   = []string{"SL", "SA", "SLU", "Hermanos SL", "y Asociados SL"}
	cities     = []struct{ city, state, zip string }{{"Madrid", "Madrid", "28001"}, {"Barcelona", "Barcelona", "08001"}, {"Valencia", "Valencia", "46001"},
		{"Sevilla", "Sevilla", "41001"}, {"Bilbao", "Bizkaia", "48001"}, {"Zaragoza", "Zaragoza", "50001"}, {"Málaga", "Málaga", "29001"}}
	streets      = []string{"Calle Mayor", "Avenida de la Constitución", "Calle Real", "Paseo de Gracia", "Gran Vía", "Calle del Carmen"}
	productNames = []string{"Camiseta algodón", "Taza cerámica", "Mochila urbana", "Botella acero", "Cuaderno A5", "Gorra bordada", "Sudadera capucha", "Bolsa tela", "Paraguas plegable", "Llavero metal"}
	variants     = []string{"rojo", "azul", "negro", "blanco", "verde", "S", "M", "L", "XL"}
)

const nifLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// Generate makes an account's content deterministically from seed:
// companies, contacts (most at a company), products, and a deal for about
// every third contact, with the Traps.
func Generate(companies, contacts, nproducts int, seed int64) *Data {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x636c6966))
	d := &Data{}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	ages := func() (time.Duration, time.Duration) {
		age := 2*24*time.Hour + time.Duration(rng.Int64N(int64(88*24*time.Hour)))
		age = age.Truncate(time.Microsecond)
		touched := time.Hour + time.Duration(rng.Int64N(int64(age-time.Hour)))
		return age, touched.Truncate(time.Microsecond)
	}
	address := func() map[string]any {
		c := cities[rng.IntN(len(cities))]
		return map[string]any{"type": 1, "street": fmt.Sprintf("%s %d", pick(streets), 1+rng.IntN(200)), "city": c.city,
			"state": c.state, "country": "ES", "postal_code": c.zip}
	}
	phone := func(mobile bool) string {
		if mobile {
			return fmt.Sprintf("+34 6%02d %03d %03d", rng.IntN(100), rng.IntN(1000), rng.IntN(1000))
		}
		return fmt.Sprintf("+34 9%02d %03d %03d", rng.IntN(100), rng.IntN(1000), rng.IntN(1000))
	}
	for i := 0; i < companies; i++ {
		name := fmt.Sprintf("%s %s %s", pick(sectors), pick(lastNames), pick(suffixes))
		tin := fmt.Sprintf("B%08d", 10000000+rng.IntN(90000000))
		if i == 1 && companies > 1 { // the trap: the same id with a blank
			plain := d.Companies[0].Body["taxpayer_identification_number"].(string)
			tin = plain[:1] + " " + plain[1:]
			d.Traps.PlainTaxID, d.Traps.SpacedTaxID = plain, tin
		}
		body := map[string]any{"name": name, "business_name": strings.ToUpper(name), "taxpayer_identification_number": tin,
			"sector": "", "industry": pick(sectors), "number_of_employees": 1 + rng.IntN(4),
			"phones":    []any{map[string]any{"type": 1, "phone": phone(false)}},
			"emails":    []any{map[string]any{"type": 1, "email": fmt.Sprintf("info@empresa%d.example.es", i+1)}},
			"addresses": []any{address()}}
		age, touched := ages()
		d.Companies = append(d.Companies, Seeded{ID: companyRes.startID + i, Age: age, Touched: touched, Body: body})
	}
	if companies > 1 {
		d.Traps.TaxIDCompanies = [2]int{d.Companies[0].ID, d.Companies[1].ID}
	}
	for i := 0; i < contacts; i++ {
		first, last := pick(firstNames), pick(lastNames)+" "+pick(lastNames)
		email := fmt.Sprintf("%s.%s%d@example.es", asciiFold(first), asciiFold(strings.Fields(last)[0]), i+1)
		if i == 1 && contacts > 1 { // the trap: a second person with the first one's e-mail
			email = d.Contacts[0].Body["emails"].([]any)[0].(map[string]any)["email"].(string)
			d.Traps.SharedEmail = email
		}
		status := ContactStatuses[rng.IntN(len(ContactStatuses))]
		body := map[string]any{"first_name": first, "last_name": last, "status": status, "title": "",
			"emails": []any{map[string]any{"type": 1, "email": email}},
			"phones": []any{map[string]any{"type": 2, "phone": phone(true)}}, "addresses": []any{address()},
			"contact_source": "Odoo", "tags": []any{}}
		if status == "client" {
			body["contact_type"] = "Cliente actual"
		}
		if companies > 0 && rng.IntN(10) < 7 {
			body["company"] = d.Companies[rng.IntN(companies)].ID
		}
		if rng.IntN(10) < 4 {
			n := 10000000 + rng.IntN(90000000)
			body["taxpayer_identification_number"] = fmt.Sprintf("%08d%c", n, nifLetters[n%23])
		}
		age, touched := ages()
		d.Contacts = append(d.Contacts, Seeded{ID: contactRes.startID + i, Age: age, Touched: touched, Body: body})
	}
	if contacts > 1 {
		d.Traps.SharedEmailContacts = [2]int{d.Contacts[0].ID, d.Contacts[1].ID}
	}
	for i := 0; i < nproducts; i++ {
		sku := fmt.Sprintf("SKU-%05d", 10001+i)
		if i == 1 && nproducts > 1 { // the trap: two products, one SKU
			sku = d.Products[0].Body["sku"].(string)
			d.Traps.DuplicateSKU = sku
		}
		price := float64(500+rng.IntN(19500)) / 100
		body := map[string]any{"name": pick(productNames) + " " + pick(variants), "sku": sku, "price": price, "description": ""}
		age, touched := ages()
		d.Products = append(d.Products, Seeded{ID: productRes.startID + i, Age: age, Touched: touched, Body: body})
	}
	if nproducts > 1 {
		d.Traps.DuplicateSKUProducts = [2]int{d.Products[0].ID, d.Products[1].ID}
	}
	for i := 0; i < contacts; i += 3 {
		c := d.Contacts[i]
		body := map[string]any{"name": fmt.Sprintf("Pedido #%d", 1001+i/3), "amount": float64(1000+rng.IntN(99000)) / 100,
			"contact": c.ID, "status": 1 + rng.IntN(4), "expected_closed_date": "2026-12-31"}
		if co, ok := c.Body["company"]; ok {
			body["company"] = co
		}
		if nproducts > 0 {
			body["products"] = []any{map[string]any{"product_id": d.Products[rng.IntN(nproducts)].ID, "quantity": 1 + rng.IntN(5)}}
		}
		age, touched := ages()
		if age > c.Age {
			age = c.Age
			if touched > age {
				touched = age
			}
		}
		d.Deals = append(d.Deals, Seeded{ID: dealRes.startID + i/3, Age: age, Touched: touched, Body: body})
	}
	return d
}

func asciiFold(s string) string {
	r := strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ñ", "n", "Á", "a", "É", "e", "Í", "i", "Ó", "o", "Ú", "u", "Ñ", "n")
	return strings.ToLower(r.Replace(s))
}
