package httpapi

import (
	"maps"
	"slices"

	"github.com/zeren-edu/zeren/internal/app"
	"github.com/zeren-edu/zeren/internal/auth"
	"github.com/zeren-edu/zeren/internal/domain"
)

// JSON Schema (2020-12, as OpenAPI 3.1 uses it) helpers. Objects refuse
// properties they do not list, in requests and in responses alike, so the
// tests that validate every response against these schemas catch a field the
// document forgot.

func ref(name string) obj { return obj{"$ref": "#/components/schemas/" + name} }

func object(desc string, props obj, required ...string) obj {
	o := obj{"type": "object", "properties": props, "additionalProperties": false}
	if desc != "" {
		o["description"] = desc
	}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

func str(desc string) obj { return obj{"type": "string", "description": desc} }

func strMax(desc string, max int) obj {
	return obj{"type": "string", "description": desc, "maxLength": max}
}

func id(desc string) obj {
	return obj{"type": "integer", "format": "int64", "minimum": 1, "description": desc}
}

func boolean(desc string) obj { return obj{"type": "boolean", "description": desc} }

func date(desc string) obj { return obj{"type": "string", "format": "date", "description": desc} }

func nullableDate(desc string) obj {
	return obj{"type": []string{"string", "null"}, "format": "date", "description": desc}
}

func dateTime(desc string) obj {
	return obj{"type": "string", "format": "date-time", "description": desc}
}

func enum(desc string, values ...string) obj {
	return obj{"type": "string", "enum": values, "description": desc}
}

func array(desc string, items obj) obj {
	return obj{"type": "array", "items": items, "description": desc}
}

// changeValue is a field's value in an activity's history: text, a number,
// a list of venue codes, or null.
func changeValue(desc string) obj {
	return obj{"type": []string{"string", "integer", "array", "null"}, "items": obj{"type": "string"}, "description": desc}
}

func listSchema(desc, item string) obj {
	return object(desc, obj{"items": array("", ref(item))}, "items")
}

func pageSchema(desc, item string) obj {
	return object(desc, obj{
		"items":  array("This page.", ref(item)),
		"total":  obj{"type": "integer", "minimum": 0, "description": "How many match, over all pages."},
		"limit":  obj{"type": "integer", "minimum": 1, "description": "The page size used."},
		"offset": obj{"type": "integer", "minimum": 0, "description": "How many were skipped."},
	}, "items", "total", "limit", "offset")
}

// ex adds an example to a schema. The scope matrix test fills request bodies
// from the examples, so they must be valid values.
func ex(o obj, v any) obj {
	o["examples"] = []any{v}
	return o
}

func venueCodes() []string { return slices.Sorted(maps.Keys(domain.VenueNames)) }

// merge returns the union of property maps (for request schemas that extend
// ActivityInput with one field: an allOf would fight additionalProperties).
func merge(ms ...obj) obj {
	out := obj{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// extend is base plus props, refusing any other property.
func extend(desc, base string, props obj, required ...string) obj {
	o := obj{"description": desc, "allOf": []obj{ref(base)}, "type": "object", "properties": props,
		"unevaluatedProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

const (
	codePattern = "^[A-Za-z0-9._-]{1,64}$"
	shaDesc     = "SHA-256 of the content, 64 lower-case hexadecimal digits."
)

func activityInputProps() obj {
	return obj{
		"org_id":      id("The unit the activity belongs to (in the actor's write scope, active)."),
		"type_id":     id("The activity type (active)."),
		"date":        ex(date("The day it happened: not in the future, inside the unit's active life."), "2024-03-05"),
		"title":       ex(strMax("Title; required, at most 200 characters.", domain.MaxTitleLen), "宣讲进课堂"),
		"description": strMax("What happened.", domain.MaxDescLen),
		"attendance":  obj{"type": "integer", "minimum": 0, "maximum": domain.MaxAttendance, "description": "Participants (人次); required before submitting when the type expects attendance."},
		"venues":      array("Venue tags allowed by the type (宣讲进机关、校园、课堂…).", enum("", venueCodes()...)),
		"publication": enum("Only for article submissions: submitted (default), accepted or published.",
			domain.PublicationSubmitted, domain.PublicationAccepted, domain.PublicationPublished),
	}
}

var activityInputRequired = []string{"org_id", "type_id", "date", "title"}

// componentSchemas is components/schemas of the OpenAPI document.
func componentSchemas() obj {
	range_ := object("A half-open range of days [from, to).", obj{
		"from": date("First day."),
		"to":   date("The day after the last day (exclusive)."),
	}, "from", "to")
	figure := obj{
		"count":      obj{"type": "integer", "minimum": 0, "description": "Number of activities (场次)."},
		"attendance": obj{"type": "integer", "minimum": 0, "description": "Summed attendance (人次)."},
	}
	return obj{
		"Error": object("The one error shape of the API.", obj{
			"error": object("", obj{
				"code":    enum("What kind of error: a domain kind or a request-form error.", errorCodes()...),
				"message": str("What is wrong, for a person to read."),
				"field":   str("The body field or parameter at fault (ids[3] for a position), when there is one."),
				"retry_at": dateTime("When trying again can succeed: the end of an account's lockout (423) or of a rate " +
					"limit (429). The Retry-After header says the same in seconds."),
			}, "code", "message"),
		}, "error"),
		"Health": object("", obj{"status": obj{"const": "ok", "type": "string"}}, "status"),
		"OpenAPIDocument": obj{"type": "object", "description": "An OpenAPI 3.1 document (this one).",
			"required": []string{"openapi", "info", "paths"}},

		"Pillar": object("One of the six parts of the work (六个方面), fixed.", obj{
			"code":    enum("Stable code.", pillarCodes()...),
			"name":    str("Chinese name."),
			"name_en": str("English name."),
			"order":   obj{"type": "integer", "description": "Position in the source report."},
		}, "code", "name", "name_en", "order"),
		"PillarList": listSchema("The six pillars in report order.", "Pillar"),

		"ActivityType": object("A kind of activity in the catalog.", obj{
			"id":                 id(""),
			"code":               obj{"type": "string", "pattern": codePattern, "description": "Stable English code; never changes."},
			"pillar":             enum("The pillar it counts under.", pillarCodes()...),
			"name":               str("Chinese name."),
			"name_en":            str("English name."),
			"venues":             array("Venue tags an activity of this type may carry; empty: none.", enum("", venueCodes()...)),
			"expects_attendance": boolean("A complete record states attendance."),
			"expects_evidence":   boolean("A complete record has evidence files."),
			"tracks_publication": boolean("Records carry a publication status (article submissions)."),
			"active":             boolean("In use; retired types stay for old records."),
			"order":              obj{"type": "integer", "minimum": 0, "description": "Display order."},
			"description":        str("What counts as this type."),
		}, "id", "code", "pillar", "name", "name_en", "venues", "expects_attendance", "expects_evidence",
			"tracks_publication", "active", "order"),
		"ActivityTypeList":   listSchema("Activity types in display order.", "ActivityType"),
		"ActivityTypeInput":  object("An activity type as a client changes it: `code` may be omitted and cannot differ.", typeInputProps(), "pillar", "name"),
		"ActivityTypeCreate": object("A new activity type.", typeInputProps(), "code", "pillar", "name"),

		"TemplateBreak": object("A line of a saved report template that a catalog change would break.", obj{
			"template_id": id("The template."), "template": str("Its name."),
			"line": obj{"type": "integer", "minimum": 1}, "column": obj{"type": "integer", "minimum": 1},
			"reason":  enum("pillar: the type leaves the pillar named beside it; retired: the type is retired.", "pillar", "retired"),
			"message": str("What breaks, in Chinese."),
		}, "template_id", "template", "line", "column", "reason", "message"),
		"TemplateBreakList": listSchema("The lines that would break, by template.", "TemplateBreak"),

		"OrgUnit": object("A node of the org tree.", obj{
			"id":           id(""),
			"parent_id":    id("The parent; absent for a root (a bureau)."),
			"kind":         enum("Level in the tree.", orgKinds()...),
			"code":         obj{"type": "string", "pattern": codePattern, "description": "Unique code."},
			"name":         str("Name."),
			"aliases":      array("Other names the unit goes by (for matching public concerns).", obj{"type": "string"}),
			"active":       boolean("Not deactivated."),
			"active_from":  nullableDate("First day of the unit's active life; null: since ever."),
			"active_until": nullableDate("Last day of its active life; null while active."),
			"depth":        obj{"type": "integer", "minimum": 0, "description": "0 for a root."},
			"created_at":   dateTime(""),
			"updated_at":   dateTime(""),
		}, "id", "kind", "code", "name", "aliases", "active", "active_from", "active_until", "depth", "created_at", "updated_at"),
		"OrgPage": pageSchema("A page of org units, in tree order.", "OrgUnit"),
		"OrgInput": object("A new unit. A bureau is a root (no parent_id); every other kind needs a parent that may hold it.", obj{
			"parent_id":   id("The parent unit."),
			"kind":        ex(enum("", orgKinds()...), "branch"),
			"code":        obj{"type": "string", "pattern": codePattern, "description": "Unique code."},
			"name":        ex(strMax("", domain.MaxNameLen), "党支部"),
			"aliases":     array("", strMax("", domain.MaxAliasLen)),
			"active_from": date("First day of its active life; not in the future."),
		}, "kind", "code", "name"),
		"OrgPatch": object("What to change; absent fields stay.", obj{
			"name":    ex(strMax("", domain.MaxNameLen), "第三实验小学"),
			"aliases": array("Replaces the aliases.", strMax("", domain.MaxAliasLen)),
		}),
		"OrgMove":       object("", obj{"parent_id": id("The new parent.")}, "parent_id"),
		"OrgDeactivate": object("", obj{"date": date("Last day of the unit's active life; default today.")}),
		"SemesterCalendar": object("A bureau's semester boundaries (month-day); semesters tile the year.", obj{
			"spring_start": obj{"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "First day of the spring term, MM-DD.", "examples": []string{"02-20"}},
			"autumn_start": obj{"type": "string", "pattern": "^[0-9]{2}-[0-9]{2}$", "description": "First day of the autumn term, MM-DD.", "examples": []string{"09-01"}},
		}, "spring_start", "autumn_start"),

		"Evidence": object("A file attached to an activity.", obj{
			"sha256":       obj{"type": "string", "pattern": shaPattern, "description": shaDesc},
			"filename":     str("The name it was attached with."),
			"media_type":   str("The media type it was accepted as."),
			"size":         obj{"type": "integer", "minimum": 0, "description": "Bytes."},
			"attached_at":  dateTime(""),
			"shared_with":  array("Other activities in the reader's scope that carry the same file: the first 20 by id.", id("")),
			"shared_count": obj{"type": "integer", "minimum": 1, "description": "How many other activities in the reader's scope carry the file, counted up to 1 001 (1 001: more than 1 000)."},
		}, "sha256", "filename", "media_type", "size", "attached_at"),
		"Activity": object("One activity in the ledger.", merge(activityInputProps(), obj{
			"id":            id(""),
			"status":        enum("draft → submitted → approved | returned; returned → submitted.", statusNames()...),
			"return_reason": str("Why it was returned."),
			"evidence":      array("Evidence files.", ref("Evidence")),
			"created_by":    str(""),
			"created_at":    dateTime(""),
			"updated_at":    dateTime(""),
			"version":       obj{"type": "integer", "minimum": 1, "description": "Increases with every change; send it back on update."},
			"description":   str("What happened."),
			"venues":        array("Venue tags.", enum("", venueCodes()...)),
		}), "id", "org_id", "type_id", "date", "title", "description", "attendance", "venues", "status", "evidence",
			"created_by", "created_at", "updated_at", "version"),
		"ActivityPage": object("A page of the ledger.", obj{
			"items": array("This page.", ref("Activity")),
			"total": obj{"type": "integer", "minimum": -1, "description": "How many match, over all pages: on the first page (no `after`) only, -1 on later ones. " +
				"Exact when the filter narrows only by unit, type, status and dates (read from the rollups); otherwise counted up to 10 000, and `total_capped` says there are more."},
			"total_capped": boolean("The total is a lower bound: more than `total` rows match."),
			"limit":        obj{"type": "integer", "minimum": 1, "description": "The page size used."},
			"offset":       obj{"type": "integer", "minimum": 0, "description": "How many were skipped."},
			"next":         str("The `after` of the next page; absent on the last page."),
		}, "items", "total", "limit", "offset"),
		"ActivityList": listSchema("Activities.", "Activity"),
		// ActivityInput is open (no additionalProperties) so that the two
		// request bodies can extend it; they close themselves with
		// unevaluatedProperties, which sees through allOf.
		"ActivityInput": obj{"type": "object", "description": "What a client may set on an activity.",
			"properties": activityInputProps(), "required": activityInputRequired},
		"ActivityCreate": extend("A new activity: ActivityInput plus `submit`.", "ActivityInput", obj{
			"submit": boolean("Submit at once instead of saving a draft."),
		}),
		"ActivityUpdate": extend("A changed activity: ActivityInput plus the `version` read.", "ActivityInput", obj{
			"version": obj{"type": "integer", "minimum": 1, "description": "The version read; a stale one answers 409."},
		}, "version"),
		"ReturnRequest": object("", obj{"reason": ex(strMax("Why, so the author can fix it.", app.MaxReasonLen), "缺少照片")}, "reason"),
		"BulkApprove": object("", obj{
			"ids": obj{"type": "array", "items": id(""), "minItems": 1, "maxItems": app.MaxBulk, "description": "Submitted activities to approve."},
		}, "ids"),

		"EvidenceUpload": object("A multipart/form-data upload.", obj{
			"file": obj{"type": "string", "contentMediaType": "application/octet-stream",
				"description": "The file, with its filename. See /api/v1/evidence-limits for the accepted kinds and size."},
		}, "file"),
		"EvidenceBlob": object("A stored file and the activities in the reader's scope that carry it.", obj{
			"sha256":     obj{"type": "string", "pattern": shaPattern, "description": shaDesc},
			"size":       obj{"type": "integer", "minimum": 0, "description": "Bytes."},
			"media_type": str(""),
			"created_at": dateTime("When it was first stored."),
			"activities": array("Activity ids.", id("")),
		}, "sha256", "size", "media_type", "created_at", "activities"),
		"FileKind": object("A kind of evidence file that is accepted.", obj{
			"media_type":     str(""),
			"extensions":     array("Lower case, with the dot; the first is the usual one.", obj{"type": "string"}),
			"description":    str(""),
			"description_zh": str(""),
		}, "media_type", "extensions", "description", "description_zh"),
		"EvidenceLimits": object("What may be uploaded.", obj{
			"max_size":               obj{"type": "integer", "minimum": 1, "description": "Bytes per file."},
			"max_size_mb":            obj{"type": "number", "description": "The same in MB (2^20 bytes)."},
			"max_files_per_activity": obj{"type": "integer", "minimum": 1},
			"accepted":               array("", ref("FileKind")),
			"accept":                 str("The value for an HTML <input type=file accept=…>."),
			"description":            str("The accepted kinds in words."),
			"description_zh":         str("The same in Chinese."),
		}, "max_size", "max_size_mb", "max_files_per_activity", "accepted", "accept", "description", "description_zh"),

		"Range": range_,
		"ResolvedPeriod": object("A period with its dates under a bureau's calendar.", obj{
			"code":     str("Machine code: 2024, 2024Q3, 2024-09, 2024FA…"),
			"kind":     enum("", periodKinds()...),
			"label_zh": str("Chinese label: 2024年第三季度…"),
			"label_en": str("English label."),
			"range":    ref("Range"),
		}, "code", "kind", "label_zh", "label_en", "range"),
		"Clock": object("The server's clock in the bureau's time zone.", obj{
			"today":     ex(date("Today's date in the bureau's time zone."), "2026-11-29"),
			"now":       dateTime("The current instant, with the bureau's UTC offset."),
			"time_zone": ex(str("The bureau's time zone (IANA name)."), "Asia/Shanghai"),
		}, "today", "now", "time_zone"),
		"PeriodClosure": object("A closed period: nothing dated in it changes until it is reopened.", obj{
			"period":         str("The period's code."),
			"range":          ref("Range"),
			"closed_at":      dateTime(""),
			"closed_by":      str("The username that closed it."),
			"closed_by_name": str("That account's name (empty: the system)."),
			"label_zh":       str("The period in Chinese (2024年)."),
			"label_en":       str("The period in English."),
		}, "period", "range", "closed_at", "closed_by", "closed_by_name", "label_zh", "label_en"),
		"ActivityHistory": listSchema("An activity's history, oldest first.", "HistoryEntry"),
		"HistoryEntry": object("One thing that happened to an activity.", obj{
			"id":          id(""),
			"activity_id": id(""),
			"at":          dateTime("When."),
			"actor_name":  str("The account's name; empty for the system (console operator) and API tokens."),
			"actor_kind":  enum("Who acted: an account, the system, or an API token.", "account", "system", "token"),
			"action": enum("What happened; reopened: an approved record was edited by someone who may not approve, so it went back to review.",
				"created", "edited", "submitted", "approved", "returned", "reopened", "evidence_added", "evidence_removed"),
			"changes": array("The fields an edit changed (evidence: the file name).", ref("FieldChange")),
			"reason":  str("Why it was returned."),
		}, "id", "activity_id", "at", "actor_name", "actor_kind", "action", "changes"),
		"FieldChange": object("One changed field.", obj{
			"field":     enum("", "org_id", "type_id", "date", "title", "description", "attendance", "venues", "publication", "evidence"),
			"old":       changeValue("The value before (null: none)."),
			"new":       changeValue("The value after (null: none)."),
			"old_label": str("The name of the old unit or type."),
			"new_label": str("The name of the new unit or type."),
		}, "field", "old", "new"),
		"PeriodClosureList":    listSchema("Closed periods, newest first.", "PeriodClosure"),
		"PeriodClosureRequest": object("", obj{"period": ex(str("A period code or Chinese label."), "2023")}, "period"),

		"Group": object("One row of a grouped figure.", merge(figure, obj{
			"key": str("The type id, child unit id, month (YYYY-MM) or status, as text."),
		}), "key", "count", "attendance"),
		"LastYear": object("The same figure one year earlier.", merge(figure, obj{"period": ref("ResolvedPeriod")}),
			"period", "count", "attendance"),
		// Accounts, roles, tokens, the policy and the audit trail.
		"LoginRequest": object("", obj{
			"username": ex(strMax("", 64), "wang.li"),
			"password": ex(strMax("", 1024), "Xuexi-2026!"),
		}, "username", "password"),
		"LoginResult": object("A new session. The session id itself travels in the zeren_session cookie only.", obj{
			"csrf_token": str("Send it in X-CSRF-Token with every cookie-authenticated POST, PUT, PATCH and DELETE."),
			"account":    ref("Account"),
			"pending":    pendingSchema(),
		}, "csrf_token", "account", "pending"),
		"Me": object("The session behind the request.", obj{
			"account":     ref("Account"),
			"pending":     pendingSchema(),
			"permissions": array("What the session may do now: none while a step is pending.", enum("", permissionNames()...)),
			"csrf_token":  str("The session's CSRF token."),
		}, "account", "pending", "permissions", "csrf_token"),
		"PasswordChange": object("", obj{
			"current_password": ex(strMax("", 1024), "Zr-initial-9a"),
			"new_password": ex(strMax("At least 8 characters from 3 of: lower-case, upper-case, digits, others; "+
				"not one of the last 5; see GET /api/v1/policy.", 1024), "Xuexi-2026!"),
		}, "current_password", "new_password"),
		"TOTPEnrolment": object("A new second factor, to show once as a QR code.", obj{
			"secret": str("The base32 secret, for typing into an authenticator app."),
			"uri":    str("The otpauth:// URI, for a QR code."),
		}, "secret", "uri"),
		"TOTPCode": object("", obj{"code": ex(obj{"type": "string", "maxLength": 20,
			"description": "The 6 digits the authenticator app shows now."}, "123456")}, "code"),

		"Role": object("A named permission set. Built-in roles cannot change.", obj{
			"id":          id(""),
			"code":        obj{"type": "string", "description": "Stable code, e.g. school_admin."},
			"name":        str("Chinese name."),
			"name_en":     str("English name."),
			"builtin":     boolean(""),
			"admin":       enum("Which of the three separated administrators (三员) the role is, if any.", "system", "security", "audit"),
			"permissions": array("", enum("", permissionNames()...)),
		}, "id", "code", "name", "name_en", "builtin", "permissions"),
		"RoleList": listSchema("Roles.", "Role"),
		"RoleInput": object("A custom role.", obj{
			"code":        ex(obj{"type": "string", "pattern": codePattern, "description": "Unique code."}, "inspector"),
			"name":        ex(strMax("Chinese name.", 50), "督导员"),
			"name_en":     strMax("English name.", 50),
			"permissions": ex(array("Administration and business permissions do not mix.", enum("", permissionNames()...)), []string{"activity.read"}),
		}, "code", "name", "permissions"),
		"RoleUpdate": object("A custom role's new names and permissions.", obj{
			"name":        ex(strMax("Chinese name.", 50), "督导员"),
			"name_en":     strMax("English name.", 50),
			"permissions": ex(array("Administration and business permissions do not mix.", enum("", permissionNames()...)), []string{"activity.read", "export"}),
		}, "name", "permissions"),

		"Account": object("A login of one person, who belongs to one unit. The phone is masked.", obj{
			"id":                   id(""),
			"username":             str(""),
			"name":                 str(""),
			"org_id":               id("The unit the person belongs to."),
			"phone":                str("Masked: 139****5678."),
			"roles":                array("", ref("Role")),
			"coverage":             array("Units the account covers (分片包抓), read-only.", id("")),
			"disabled":             boolean(""),
			"must_change_password": boolean("A one-time password is set: the next login must change it."),
			"password_changed_at":  dateTime(""),
			"totp_enabled":         boolean("A second factor is enrolled."),
			"locked_until":         dateTime("Locked after failed logins until then."),
			"last_login_at":        dateTime(""),
			"created_at":           dateTime(""),
		}, "id", "username", "name", "org_id", "roles", "coverage", "disabled", "must_change_password",
			"password_changed_at", "totp_enabled", "created_at"),
		"AccountPage": pageSchema("A page of accounts, by username.", "Account"),
		"AccountInput": object("A new account.", obj{
			"username": ex(obj{"type": "string", "pattern": "^[a-z0-9._-]{3,64}$", "description": "Lower-case letters, digits, '.', '_', '-'."}, "wang.li"),
			"name":     ex(strMax("The person's name.", 50), "王丽"),
			"org_id":   id("The unit the person belongs to, in the actor's subtree."),
			"phone":    ex(strMax("Digits, '+', '-' and spaces.", 20), "13912345678"),
			"roles":    array("Role codes; only the security administrator assigns roles.", obj{"type": "string"}),
		}, "username", "name", "org_id"),
		"CreatedAccount": object("A new account and its one-time password, shown once.", obj{
			"account":          ref("Account"),
			"initial_password": str("Give it to the person; it must be changed at first login."),
		}, "account", "initial_password"),
		"AccountEdit": object("Changes to an account; absent fields stay.", obj{
			"name":   ex(strMax("The person's name.", 50), "王丽"),
			"org_id": id("The unit the person belongs to, in the actor's subtree."),
			"phone":  ex(strMax("A mobile (138-1234-5678) or a landline (0915-1234567); \"\" clears it.", 20), "13912345678"),
		}),
		"AccountImportPreview": object("What an account import would do.", obj{
			"rows": array("The accounts it would create.", object("", obj{
				"row":      obj{"type": "integer", "description": "The row as Excel numbers it."},
				"username": str(""),
				"name":     str(""),
				"org_id":   id(""),
				"org_name": str(""),
				"phone":    str("Masked."),
			}, "row", "username", "name", "org_id", "org_name")),
			"problems": array("Problems that refuse the file; empty when it can be imported.", object("", obj{
				"row":     obj{"type": "integer", "description": "The row as Excel numbers it."},
				"column":  str("The column's header (用户名, 姓名, 单位编码, 单位名称, 手机号)."),
				"message": str("What is wrong, in Chinese."),
			}, "row", "column", "message")),
		}, "rows", "problems"),
		"AccountImportResult": object("A finished account import.", obj{
			"created": array("The new accounts with their one-time passwords, shown once.", ref("CreatedAccount")),
		}, "created"),
		"InitialPassword": object("A new one-time password, shown once.", obj{
			"initial_password": str("It must be changed at the next login."),
		}, "initial_password"),
		"RoleAssignment": object("", obj{
			"roles": ex(array("Role codes; [] removes every role.", obj{"type": "string"}), []string{"school_admin"}),
		}, "roles"),
		"CoverageAssignment": object("", obj{
			"org_ids": array("The units covered; [] removes every one.", id("")),
		}, "org_ids"),

		"APIToken":  tokenSchema("An API token's record; never the token itself.", nil),
		"TokenList": listSchema("API tokens, newest first.", "APIToken"),
		"TokenInput": object("A new API token.", obj{
			"name":       ex(strMax("What the client is.", 100), "台账导入"),
			"role":       ex(obj{"type": "string", "description": "The code of the role it acts with; not an administrator's."}, "member"),
			"org_id":     id("The unit whose subtree it reaches, in the actor's subtree."),
			"valid_days": ex(obj{"type": "integer", "minimum": 1, "maximum": 366, "description": "Days until it expires."}, 30),
		}, "name", "role", "org_id", "valid_days"),
		"CreatedToken": tokenSchema("A new API token.", obj{
			"token": str("The token, shown once: send it as Authorization: Bearer <token>."),
		}),

		"Policy": policySchema(),
		"AuditEvent": object("One event of the hash-chained audit trail.", obj{
			"seq":         obj{"type": "integer", "minimum": 1, "description": "Position in the chain."},
			"time":        dateTime(""),
			"actor":       str("Username, token:<id>, or the console."),
			"actor_id":    id("The account, when there is one."),
			"actor_name":  str("The account's name, when the reader may see it."),
			"org_id":      id("The actor's unit, when there is one."),
			"org_name":    str("The actor's unit's name."),
			"target_kind": str("What kind of record the target is: account, org, activity, role, type, team, member, report, evidence, period, token…"),
			"target_name": str("The target's name (an activity's title, a file's short hash), when there is one the reader may see."),
			"client_addr": str("The client's address."),
			"type":        str("What happened: login.success, account.roles, activity.update, evidence.download…"),
			"target":      str("What it happened to: account:12, activity:34…"),
			"outcome":     enum("", "success", "failure", "denied"),
			"before":      obj{"description": "The record before the change (any JSON)."},
			"after":       obj{"description": "The record after the change (any JSON)."},
			"detail":      str(""),
			"prev_hash":   str("The hash of the event before."),
			"hash":        str("This event's hash."),
			"alg":         enum("", "sha256", "sm3"),
		}, "seq", "time", "actor", "client_addr", "type", "target", "outcome", "prev_hash", "hash", "alg"),
		"AuditPage": pageSchema("A page of the audit trail, newest first.", "AuditEvent"),
		"AuditReport": object("The outcome of re-computing the chain.", obj{
			"ok":      boolean("No event was modified, deleted or reordered."),
			"checked": obj{"type": "integer", "minimum": 0, "description": "Events verified good."},
			"last": object("The newest good event.", obj{
				"seq":  obj{"type": "integer", "minimum": 0},
				"hash": str(""),
			}, "seq", "hash"),
			"first_bad": object("The first bad event.", obj{
				"seq":     obj{"type": "integer"},
				"kind":    enum("", "modified", "missing", "reordered", "broken_link", "bad_alg", "truncated", "head_mismatch"),
				"message": str(""),
			}, "seq", "kind", "message"),
			"anchored": boolean("The server writes anchors (keyed checkpoints of the chain's head) and the chain was compared with them."),
			"anchors":  obj{"type": "integer", "minimum": 0, "description": "Anchors whose key checked out, each compared with the chain."},
			"last_anchor": object("The newest of them.", obj{
				"seq":  obj{"type": "integer", "minimum": 1},
				"hash": str(""),
				"time": dateTime(""),
			}, "seq", "hash", "time"),
			"anchor_problems": array("Lines of the anchor file that cannot be trusted (altered, or written with another key).", object("", obj{
				"line":    obj{"type": "integer", "minimum": 1},
				"message": str(""),
			}, "line", "message")),
		}, "ok", "checked", "last", "anchored", "anchors"),
		"AuditSettings": object("", obj{
			"alg":            ex(enum("The hash of new events.", "sha256", "sm3"), "sha256"),
			"retention_days": ex(obj{"type": "integer", "minimum": 184, "description": "How long events are kept: at least 184 days (MLPS level 3)."}, 184),
		}, "alg", "retention_days"),

		"AggResult": object("A figure that knows its query.", merge(figure, obj{
			"org_id":    id("The unit whose subtree is counted."),
			"period":    ref("ResolvedPeriod"),
			"pillar":    enum("", pillarCodes()...),
			"type_ids":  array("The types asked for; empty: all (or all of the pillar).", id("")),
			"statuses":  array("The statuses counted.", enum("", statusNames()...)),
			"groups":    array("Present when group_by is given.", ref("Group")),
			"records":   str("The query string for GET /api/v1/activities listing exactly the records counted."),
			"last_year": ref("LastYear"),
		}), "org_id", "period", "type_ids", "statuses", "count", "attendance", "records"),

		// The dashboard in one answer (GET /api/v1/dashboard).
		"Dashboard": object("A unit's dashboard for a period, read in one transaction; approved records only.", merge(figure, obj{
			"org_id":    id("The unit whose subtree is counted."),
			"path":      array("Breadcrumbs: the unit's ancestors the session may read, highest first, then the unit.", ref("OrgRef")),
			"period":    ref("ResolvedPeriod"),
			"last_year": ref("ResolvedPeriod"),
			"records":   str("The query string for GET /api/v1/activities listing the subtree's records of the period."),
			"pillars":   array("The cards, one per pillar in the fixed order.", ref("DashboardPillar")),
			"types":     array("The table by type: the types with a figure this period or last year, in the catalogue's order.", ref("DashboardType")),
			"children":  array("The heatmap: direct children (each with its subtree), then the unit's own records when it has some.", ref("DashboardChild")),
			"trend":     ref("DashboardTrend"),
		}), "org_id", "path", "period", "last_year", "count", "attendance", "records", "pillars", "types", "children", "trend"),
		"OrgRef": object("A unit by name.", obj{"id": id(""), "name": str("")}, "id", "name"),
		"DashboardPillar": object("One card.", merge(figure, obj{
			"pillar":    enum("", pillarCodes()...),
			"last_year": object("The same figure one year earlier.", figure, "count", "attendance"),
			"records":   str(""),
		}), "pillar", "count", "attendance", "last_year", "records"),
		"DashboardType": object("One row of the table by type.", merge(figure, obj{
			"type_id":   id(""),
			"pillar":    enum("", pillarCodes()...),
			"last_year": object("The same figure one year earlier.", figure, "count", "attendance"),
			"records":   str(""),
		}), "type_id", "pillar", "count", "attendance", "last_year", "records"),
		"DashboardChild": object("One row of the heatmap.", merge(figure, obj{
			"org_id":  id(""),
			"name":    str(""),
			"own":     boolean("The records filed on the unit itself, not on a child."),
			"cells":   array("One figure per pillar, in the order of pillars.", object("", figure, "count", "attendance")),
			"records": str("The row's records; a cell's are these with pillar=<code>."),
		}), "org_id", "name", "count", "attendance", "cells", "records"),
		"DashboardTrend": object("The period's calendar year by month, up to this month.", obj{
			"year":    str(""),
			"months":  array("Months with a figure (key YYYY-MM).", ref("Group")),
			"records": str("The year's records; a month's are these with period=<YYYY-MM>."),
		}, "year", "months", "records"),
	}
}

func pendingSchema() obj {
	return enum("The step the session must pass before anything else; empty when none.",
		"", app.PendingPasswordChange, app.PendingTOTPEnrol, app.PendingTOTP)
}

func permissionNames() []string {
	var out []string
	for _, p := range domain.AllPermissions {
		out = append(out, string(p))
	}
	return out
}

func tokenSchema(desc string, extra obj) obj {
	props := obj{
		"id":           obj{"type": "string", "pattern": tokenIDPattern, "description": "The public id (the part after zrn_)."},
		"name":         str(""),
		"role_id":      id("The role it acts with."),
		"org_id":       id("The unit whose subtree it reaches."),
		"created_by":   id("The account that issued it."),
		"created_at":   dateTime(""),
		"expires_at":   dateTime(""),
		"revoked_at":   dateTime("Revoked then; absent while valid."),
		"last_used_at": dateTime(""),
	}
	required := []string{"id", "name", "role_id", "org_id", "created_at", "expires_at"}
	for k, v := range extra {
		props[k] = v
		required = append(required, k)
	}
	return object(desc, props, required...)
}

// policySchema describes auth.Policy; its examples are the level-3 defaults,
// which may be tightened (the bounds say which way) but not weakened.
func policySchema() obj {
	d := auth.Level3()
	n := func(desc string, def, min, max int) obj {
		return obj{"type": "integer", "minimum": min, "maximum": max, "description": desc, "examples": []int{def}}
	}
	return object("The password and session policy. The examples are the MLPS level-3 defaults; a value may only be "+
		"tightened (a longer minimum, a shorter expiry…), never weakened.", obj{
		"min_length":                  n("Fewest characters of a password.", d.MinLength, d.MinLength, 64),
		"min_classes":                 n("How many of lower-case, upper-case, digits and others a password mixes.", d.MinClasses, d.MinClasses, 4),
		"expiry_days":                 n("Days before a password must be changed.", d.ExpiryDays, 1, d.ExpiryDays),
		"history_count":               n("How many previous passwords may not be reused.", d.HistoryCount, d.HistoryCount, 24),
		"max_failures":                n("Consecutive failed logins that lock the account.", d.MaxFailures, 1, d.MaxFailures),
		"lockout_minutes":             n("How long the lock lasts.", d.LockoutMinutes, d.LockoutMinutes, 1440),
		"idle_minutes":                n("Minutes without a request that end a session.", d.IdleMinutes, 1, d.IdleMinutes),
		"account_attempts_per_minute": n("Login attempts a minute on one account.", d.AccountAttemptsPerMinute, 1, d.AccountAttemptsPerMinute),
		"address_failures_per_minute": n("Failed logins a minute from one client address.", d.AddressFailuresPerMinute, 1, d.AddressFailuresPerMinute),
		"max_sessions":                n("Sessions one account holds at once; a login beyond ends its oldest session.", d.MaxSessions, 1, d.MaxSessions),
	}, "min_length", "min_classes", "expiry_days", "history_count", "max_failures", "lockout_minutes", "idle_minutes",
		"account_attempts_per_minute", "address_failures_per_minute", "max_sessions")
}

func typeInputProps() obj {
	return obj{
		"code":               ex(obj{"type": "string", "pattern": codePattern, "description": "Stable code; required when creating, never changed."}, "reading_club"),
		"pillar":             enum("", pillarCodes()...),
		"name":               ex(strMax("Chinese name.", domain.MaxNameLen), "读书会"),
		"name_en":            strMax("English name.", domain.MaxNameLen),
		"venues":             array("", enum("", venueCodes()...)),
		"expects_attendance": boolean(""),
		"expects_evidence":   boolean(""),
		"tracks_publication": boolean(""),
		"active":             boolean("Default true when creating; absent on change keeps the current value."),
		"order":              obj{"type": "integer", "minimum": 0},
		"description":        strMax("", domain.MaxDescLen),
	}
}
