package conektatest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos/conekta"
)

// admin is the state of the account-level resources: antifraud lists, API
// keys, companies, the request log, and customers' shipping contacts and
// fiscal entities. It lives under Server.mu and is made on first use.
type admin struct {
	rules      map[string]*ruleList // "whitelists", "blacklists"
	keys       map[string]*apiKey
	keyIDs     []string
	companies  map[string]*company
	companyIDs []string
	shipping   map[string][]map[string]any // customer id → contacts
	fiscal     map[string][]map[string]any // customer id → fiscal entities
	reqLogs    map[string]map[string]any
	reqLogIDs  []string
	logCount   int
}

type ruleList struct {
	rules map[string]map[string]any
	ids   []string
}

type apiKey struct {
	obj   map[string]any // without the token
	token string
}

type company struct {
	obj  map[string]any
	docs []map[string]any
}

// maxRequestLogs bounds the request log: the oldest entries go first.
const maxRequestLogs = 1000

// currentCompanyID is the id of the fake's own account, its current company.
const currentCompanyID = "conektatest_company"

func (s *Server) adminLocked() *admin {
	if s.admin == nil {
		s.admin = &admin{
			rules:     map[string]*ruleList{"whitelists": {rules: map[string]map[string]any{}}, "blacklists": {rules: map[string]map[string]any{}}},
			keys:      map[string]*apiKey{},
			companies: map[string]*company{},
			shipping:  map[string][]map[string]any{},
			fiscal:    map[string][]map[string]any{},
			reqLogs:   map[string]map[string]any{},
		}
		s.admin.companies[currentCompanyID] = &company{obj: map[string]any{
			"id": currentCompanyID, "object": "company", "name": "conektatest", "active": true, "account_status": "activated",
			"onboarding_status": "completed", "created_at": s.now().Unix(), "parent_company_id": nil, "three_ds_enabled": false, "three_ds_mode": nil,
		}}
		s.admin.companyIDs = []string{currentCompanyID}
	}
	return s.admin
}

// adminRoutes registers the account-level operations.
func (s *Server) adminRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /antifraud/{list}", s.listRules)
	mux.HandleFunc("POST /antifraud/{list}", s.createRule)
	mux.HandleFunc("DELETE /antifraud/{list}/{id}", s.deleteRule)
	mux.HandleFunc("GET /api_keys", s.listAPIKeys)
	mux.HandleFunc("POST /api_keys", s.createAPIKey)
	mux.HandleFunc("GET /api_keys/{id}", s.getAPIKey)
	mux.HandleFunc("PUT /api_keys/{id}", s.updateAPIKey)
	mux.HandleFunc("DELETE /api_keys/{id}", s.deleteAPIKey)
	mux.HandleFunc("GET /companies", s.listCompanies)
	mux.HandleFunc("POST /companies", s.createCompany)
	mux.HandleFunc("GET /companies/{id}", s.getCompany)
	mux.HandleFunc("POST /companies/{id}/document", s.putDocument)
	mux.HandleFunc("PATCH /companies/{id}/document", s.putDocument)
	mux.HandleFunc("GET /companies/{id}/documents", s.listDocuments)
	mux.HandleFunc("GET /logs", s.listRequestLogs)
	mux.HandleFunc("GET /logs/{id}", s.getRequestLog)
	mux.HandleFunc("POST /customers/{id}/shipping_contacts", s.createShippingContact)
	mux.HandleFunc("PUT /customers/{id}/shipping_contacts/{sub}", s.updateShippingContact)
	mux.HandleFunc("DELETE /customers/{id}/shipping_contacts/{sub}", s.deleteShippingContact)
	mux.HandleFunc("POST /customers/{id}/fiscal_entities", s.createFiscalEntity)
	mux.HandleFunc("PUT /customers/{id}/fiscal_entities/{sub}", s.updateFiscalEntity)
}

// answerStatus writes v with status, or the error.
func (s *Server) answerStatus(w http.ResponseWriter, status int, v any, err error) {
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	writeJSON(w, status, v)
}

// --- antifraud lists --------------------------------------------------------

func (s *Server) ruleListLocked(r *http.Request) (*ruleList, error) {
	l, ok := s.adminLocked().rules[r.PathValue("list")]
	if !ok {
		return nil, notFound("antifraud list", r.PathValue("list"))
	}
	return l, nil
}

func (s *Server) listRules(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.ruleListLocked(r)
	var out any
	if err == nil {
		out, err = s.page(r, l.ids, func(id string) any { return l.rules[id] })
	}
	s.answerStatus(w, http.StatusOK, out, err)
}

func (s *Server) createRule(w http.ResponseWriter, r *http.Request) {
	var p conekta.RiskRuleParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch {
	case p.Field == "":
		err = invalid("field", "The field is required: email, phone or card_token.")
	case p.Value == "":
		err = invalid("value", "The value is required.")
	case p.Description == "":
		err = invalid("description", "The description is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var l *ruleList
	if err == nil {
		l, err = s.ruleListLocked(r)
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	id := s.newID("rule_")
	// Lists show when and how a rule was made; the create answer does not.
	l.rules[id] = map[string]any{"id": id, "field": p.Field, "value": p.Value, "description": p.Description,
		"created_at": s.now().UTC().Format("2006-01-02 15:04:05.000000+00:00"), "is_global": false, "is_test": true}
	l.ids = append(l.ids, id)
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "field": p.Field, "value": p.Value, "description": p.Description})
}

func (s *Server) deleteRule(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := s.ruleListLocked(r)
	var rule map[string]any
	if err == nil {
		rule, err = find(l.rules, "antifraud rule", r.PathValue("id"))
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	delete(l.rules, rule["id"].(string))
	l.ids = remove(l.ids, rule["id"].(string))
	writeJSON(w, http.StatusOK, map[string]any{"id": rule["id"], "field": rule["field"], "value": rule["value"], "description": rule["description"]})
}

// --- API keys ---------------------------------------------------------------

// acceptKeys lets a request signed with an active private key made through
// the fake's API in, as the fake's own key: a deleted or deactivated key
// fails with 401 as Conekta's would. It runs before auth.
func (s *Server) acceptKeys(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if u, _, ok := r.BasicAuth(); ok {
			key = u
		}
		if key != "" && key != s.APIKey {
			s.mu.Lock()
			var known *apiKey
			if s.admin != nil {
				for _, k := range s.admin.keys {
					if k.token == key && k.obj["active"] == true && k.obj["role"] == string(conekta.APIKeyPrivate) {
						known = k
					}
				}
			}
			if known != nil {
				known.obj["last_used_at"] = s.now().Unix()
			}
			s.mu.Unlock()
			if known != nil {
				r = r.Clone(r.Context())
				r.Header.Set("Authorization", "Bearer "+s.APIKey)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	ids := a.keyIDs
	if q := r.URL.Query().Get("search"); q != "" {
		ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
			o := a.keys[id].obj
			return id != q && !strings.Contains(o["description"].(string), q) && o["prefix"] != q
		})
	}
	out, err := s.page(r, ids, func(id string) any { return a.keys[id].obj })
	s.answerStatus(w, http.StatusOK, out, err)
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	var p conekta.APIKeyParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	if p.Role != conekta.APIKeyPrivate && p.Role != conekta.APIKeyPublic {
		s.answer(w, nil, invalid("role", "The role must be private or public."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	id := s.newID("api_key_")
	token := "key_" + strings.ReplaceAll(s.newID("conektatest_"), "_", "")
	if p.Role == conekta.APIKeyPublic {
		token = "key_pub" + strings.ReplaceAll(s.newID("conektatest_"), "_", "")
	}
	now := s.now().Unix()
	k := &apiKey{token: token, obj: map[string]any{"id": id, "object": "api_key", "role": string(p.Role), "description": p.Description, "active": true,
		"livemode": false, "prefix": token[:6], "created_at": now, "updated_at": now, "deactivated_at": nil, "last_used_at": nil}}
	a.keys[id] = k
	a.keyIDs = append(a.keyIDs, id)
	out := clone(k.obj)
	out["authentication_token"] = token
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiKeyLocked(r *http.Request) (*apiKey, error) {
	return find(s.adminLocked().keys, "api_key", r.PathValue("id"))
}

func (s *Server) getAPIKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.apiKeyLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, k.obj)
}

func (s *Server) updateAPIKey(w http.ResponseWriter, r *http.Request) {
	var p conekta.APIKeyUpdateParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.apiKeyLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	now := s.now().Unix()
	if p.Active != nil {
		k.obj["active"] = *p.Active
		k.obj["deactivated_at"] = nil
		if !*p.Active {
			k.obj["deactivated_at"] = now
		}
	}
	if p.Description != "" {
		k.obj["description"] = p.Description
	}
	k.obj["updated_at"] = now
	writeJSON(w, http.StatusOK, k.obj)
}

func (s *Server) deleteAPIKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, err := s.apiKeyLocked(r)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	a := s.adminLocked()
	id := k.obj["id"].(string)
	delete(a.keys, id)
	a.keyIDs = remove(a.keyIDs, id)
	out := clone(k.obj)
	delete(out, "updated_at")
	delete(out, "deactivated_at")
	out["active"], out["deleted"] = false, true
	writeJSON(w, http.StatusOK, out)
}

// --- companies --------------------------------------------------------------

func (c *company) wire() map[string]any {
	out := clone(c.obj)
	docs := make([]any, 0, len(c.docs))
	for _, d := range c.docs {
		docs = append(docs, d)
	}
	out["documents"] = docs
	return out
}

func (s *Server) listCompanies(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	out, err := s.page(r, a.companyIDs, func(id string) any { return a.companies[id].wire() })
	s.answerStatus(w, http.StatusOK, out, err)
}

func (s *Server) createCompany(w http.ResponseWriter, r *http.Request) {
	var p conekta.CompanyParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	if p.Name == "" {
		s.answer(w, nil, invalid("name", "The name is required."))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	id := s.newID("company_")
	c := &company{obj: map[string]any{"id": id, "object": "company", "name": p.Name, "active": false, "account_status": "signed_up",
		"onboarding_status": "pending", "onboarding_url": "https://onboarding.conekta.com/resume/" + id, "parent_company_id": currentCompanyID,
		"created_at": s.now().Unix(), "three_ds_enabled": false, "three_ds_mode": nil}}
	a.companies[id] = c
	a.companyIDs = append(a.companyIDs, id)
	writeJSON(w, http.StatusCreated, c.wire())
}

func (s *Server) getCompany(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("id")
	if id == "current" {
		id = currentCompanyID
	}
	c, err := find(s.adminLocked().companies, "company", id)
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	writeJSON(w, http.StatusOK, c.wire())
}

// putDocument uploads (POST, 201) or replaces (PATCH, 200) the company's
// document of one classification.
func (s *Server) putDocument(w http.ResponseWriter, r *http.Request) {
	var p conekta.CompanyDocumentParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch {
	case p.FileClassification == "":
		err = invalid("file_classification", "The file_classification is required.")
	case p.FileName == "":
		err = invalid("file_name", "The file_name is required.")
	case p.ContentType == "":
		err = invalid("content_type", "The content_type is required.")
	case len(p.Data) == 0:
		err = invalid("file_data", "The file_data is required, base64-encoded.")
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.adminLocked().companies, "company", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	// Stored as a plain string, as a document read back from a state file has it.
	doc := map[string]any{"file_classification": string(p.FileClassification), "file_name": p.FileName, "status": "uploaded"}
	i := slices.IndexFunc(c.docs, func(d map[string]any) bool { return d["file_classification"] == string(p.FileClassification) })
	switch {
	case r.Method == http.MethodPatch && i < 0:
		s.answer(w, nil, notFound("company document", string(p.FileClassification)))
		return
	case i >= 0:
		c.docs[i] = doc
	default:
		c.docs = append(c.docs, doc)
	}
	status := http.StatusCreated
	if r.Method == http.MethodPatch {
		status = http.StatusOK
	}
	writeJSON(w, status, doc)
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.adminLocked().companies, "company", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	out := make([]any, 0, len(c.docs))
	for _, d := range c.docs {
		out = append(out, d)
	}
	writeJSON(w, http.StatusOK, out)
}

// --- request logs -----------------------------------------------------------

// logRequests records every authenticated request and its answer, as
// Conekta's /logs shows them. An error's log_id is its log's id, so
// Logs.Get(err.LogID) finds it. Card numbers, CVCs, keys and credentials
// are not kept; requests to /logs itself are not logged.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/logs" || strings.HasPrefix(r.URL.Path, "/logs/") {
			next.ServeHTTP(w, r)
			return
		}
		var reqBody []byte
		if r.Body != nil {
			reqBody, _ = io.ReadAll(io.LimitReader(r.Body, 1<<20))
			r.Body = io.NopCloser(bytes.NewReader(reqBody))
		}
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		s.recordLog(r, reqBody, rec)
	})
}

type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (rec *recorder) WriteHeader(status int) {
	rec.status = status
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.body.Len() < 1<<20 {
		rec.body.Write(b)
	}
	return rec.ResponseWriter.Write(b)
}

func (s *Server) recordLog(r *http.Request, reqBody []byte, rec *recorder) {
	respBody := scrubbed(rec.body.Bytes())
	// An error carries its log_id; other answers get an id from the log's
	// own counter, so logging leaves the ids of objects as they were.
	id, _ := respBody["log_id"].(string)
	query := map[string]any{}
	for k, v := range r.URL.Query() {
		query[k] = v[len(v)-1]
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil || net.ParseIP(ip).To4() == nil {
		ip = "127.0.0.1"
	}
	reqHeaders := map[string]string{}
	for _, h := range []string{"Accept", "Accept-Language", "Content-Type", "User-Agent"} {
		if v := r.Header.Get(h); v != "" {
			reqHeaders[h] = v
		}
	}
	version, _ := acceptedVersion(r.Header.Get("Accept"))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	a := s.adminLocked()
	if id == "" {
		a.logCount++
		id = fmt.Sprintf("req_log_%06d", a.logCount)
	}
	a.reqLogs[id] = map[string]any{"id": id, "livemode": false, "created_at": now.Unix(), "updated_at": now.Format("2006-01-02 15:04:05.000000+00:00"),
		"method": r.Method, "url": r.URL.Path, "status": strconv.Itoa(rec.status), "version": version, "ip_address": ip,
		"loggable_id": nil, "loggable_type": nil, "oauth_token_id": nil, "related": "", "user_account_id": "", "searchable_tags": []string{},
		"query_string": query, "request_body": scrubbed(reqBody), "response_body": respBody,
		"request_headers": reqHeaders, "response_headers": map[string]string{"Content-Type": rec.Header().Get("Content-Type")}}
	a.reqLogIDs = append(a.reqLogIDs, id)
	if len(a.reqLogIDs) > maxRequestLogs {
		delete(a.reqLogs, a.reqLogIDs[0])
		a.reqLogIDs = a.reqLogIDs[1:]
	}
}

// scrubbed is a JSON object with card data and keys replaced, or {} for
// anything else (an empty body, an array).
func scrubbed(b []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || m == nil {
		return map[string]any{}
	}
	scrub(m)
	return m
}

func scrub(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "number", "cvc", "authentication_token", "token_id", "file_data":
				v[k] = "[filtered]"
			default:
				scrub(x)
			}
		}
	case []any:
		for _, x := range v {
			scrub(x)
		}
	}
}

func (s *Server) listRequestLogs(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	// Newest first, as Conekta lists them.
	ids := slices.Clone(a.reqLogIDs)
	slices.Reverse(ids)
	if q := r.URL.Query().Get("search"); q != "" {
		ids = slices.DeleteFunc(ids, func(id string) bool {
			b, _ := json.Marshal(a.reqLogs[id])
			return !bytes.Contains(b, []byte(q))
		})
	}
	out, err := s.page(r, ids, func(id string) any { return a.reqLogs[id] })
	s.answerStatus(w, http.StatusOK, out, err)
}

func (s *Server) getRequestLog(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, err := find(s.adminLocked().reqLogs, "log", r.PathValue("id"))
	s.answerStatus(w, http.StatusOK, l, err)
}

// --- customers' shipping contacts and fiscal entities -----------------------

// subLocked finds a customer's shipping contact or fiscal entity.
func (s *Server) subLocked(r *http.Request, of map[string][]map[string]any, what string) (int, error) {
	cid := r.PathValue("id")
	if _, err := find(s.customers, "customer", cid); err != nil {
		return -1, err
	}
	id := r.PathValue("sub")
	i := slices.IndexFunc(of[cid], func(m map[string]any) bool { return m["id"] == id })
	if i < 0 {
		return -1, notFound(what, id)
	}
	return i, nil
}

// setDefaultLocked makes item the only default of its customer's list.
func setDefaultLocked(list []map[string]any, item map[string]any) {
	for _, m := range list {
		m["default"] = false
	}
	item["default"] = true
}

func (s *Server) createShippingContact(w http.ResponseWriter, r *http.Request) {
	var p conekta.ShippingContactParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch a := p.Address; {
	case a == nil:
		err = invalid("address", "The address is required.")
	case len(a.Street1) < 2:
		err = invalid("address.street1", "The address.street1 is required.")
	case a.PostalCode == "":
		err = invalid("address.postal_code", "The address.postal_code is required.")
	case len(a.Country) < 2:
		err = invalid("address.country", "The address.country is required.")
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	a := s.adminLocked()
	addr := toMap(p.Address)
	addr["object"] = "shipping_address"
	setDefault(addr, "residential", true)
	sc := map[string]any{"id": s.newID("ship_cont_"), "object": "shipping_contact", "parent_id": c.ID, "created_at": s.now().Unix(),
		"address": addr, "receiver": p.Receiver, "phone": p.Phone, "between_streets": p.BetweenStreets, "default": false, "deleted": false,
		"metadata": orEmpty(p.Metadata)}
	list := a.shipping[c.ID]
	if len(list) == 0 || (p.Default != nil && *p.Default) {
		setDefaultLocked(list, sc)
		c.DefaultShippingContactID = sc["id"].(string)
	}
	a.shipping[c.ID] = append(list, sc)
	writeJSON(w, http.StatusOK, sc)
}

func (s *Server) updateShippingContact(w http.ResponseWriter, r *http.Request) {
	var p conekta.ShippingContactParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	i, err := s.subLocked(r, a.shipping, "shipping contact")
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	list := a.shipping[r.PathValue("id")]
	sc := list[i]
	if p.Address != nil {
		addr := sc["address"].(map[string]any)
		for k, v := range toMap(p.Address) {
			addr[k] = v
		}
	}
	for k, v := range map[string]string{"receiver": p.Receiver, "phone": p.Phone, "between_streets": p.BetweenStreets} {
		if v != "" {
			sc[k] = v
		}
	}
	if p.Default != nil && *p.Default {
		setDefaultLocked(list, sc)
		s.customers[r.PathValue("id")].DefaultShippingContactID = sc["id"].(string)
	}
	writeJSON(w, http.StatusOK, sc)
}

func (s *Server) deleteShippingContact(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	i, err := s.subLocked(r, a.shipping, "shipping contact")
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	cid := r.PathValue("id")
	sc := a.shipping[cid][i]
	a.shipping[cid] = slices.Delete(a.shipping[cid], i, i+1)
	if c := s.customers[cid]; c.DefaultShippingContactID == sc["id"] {
		c.DefaultShippingContactID = ""
	}
	out := clone(sc)
	out["deleted"] = true
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) createFiscalEntity(w http.ResponseWriter, r *http.Request) {
	var p conekta.FiscalEntityParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	var err error
	switch a := p.Address; {
	case a == nil:
		err = invalid("address", "The address is required.")
	case a.Street1 == "":
		err = invalid("address.street1", "The address.street1 is required.")
	case a.City == "":
		err = invalid("address.city", "The address.city is required.")
	case a.PostalCode == "":
		err = invalid("address.postal_code", "The address.postal_code is required.")
	}
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := find(s.customers, "customer", r.PathValue("id"))
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	a := s.adminLocked()
	fe := toMap(p)
	fe["id"], fe["object"], fe["parent_id"], fe["created_at"], fe["default"] = s.newID("fis_ent_"), "fiscal_entities", c.ID, s.now().Unix(), false
	fe["metadata"] = orEmpty(p.Metadata)
	if len(a.fiscal[c.ID]) == 0 {
		fe["default"] = true
		c.DefaultFiscalEntityID = fe["id"].(string)
	}
	a.fiscal[c.ID] = append(a.fiscal[c.ID], fe)
	writeJSON(w, http.StatusOK, fe)
}

func (s *Server) updateFiscalEntity(w http.ResponseWriter, r *http.Request) {
	var p conekta.FiscalEntityParams
	if err := decodeBody(r, &p); err != nil {
		s.answer(w, nil, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.adminLocked()
	i, err := s.subLocked(r, a.fiscal, "fiscal entity")
	if err != nil {
		s.answer(w, nil, err)
		return
	}
	fe := a.fiscal[r.PathValue("id")][i]
	for k, v := range toMap(p) {
		if k == "address" {
			addr := fe["address"].(map[string]any)
			for ak, av := range v.(map[string]any) {
				addr[ak] = av
			}
			continue
		}
		fe[k] = v
	}
	writeJSON(w, http.StatusOK, fe)
}

// --- helpers ----------------------------------------------------------------

func clone(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func orEmpty(m conekta.Metadata) any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
