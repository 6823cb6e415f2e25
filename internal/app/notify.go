package app

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zeren-edu/zeren/internal/deliver"
	"github.com/zeren-edu/zeren/internal/domain"
	"github.com/zeren-edu/zeren/internal/store"
)

// Notifications: a.notify writes notices into the outbox in the caller's
// transaction; the background jobs then fan each due notice out (FanOutDue)
// to its recipients' inboxes and to one delivery per outside channel, and
// send each delivery (Deliver), retried with backoff by the job runner until
// it is sent or given up as failed. No write waits for a receiver.

// Deliverers builds the outside channels (internal/deliver's constructors,
// wired by cmd/zeren; tests pass fakes).
type Deliverers interface {
	Email(to []string) (deliver.Channel, error)
	Robot(r deliver.Robot) (deliver.Channel, error)
}

// Notification limits.
const (
	// fanOutBatch bounds the notices one FanOutDue call fans out.
	fanOutBatch = 50
	// gatherSubmitted is how long the "records to approve" notice of a unit
	// gathers submissions before it is sent: the day's 18 submissions in one
	// message ("18 条记录待审核"), not 18.
	gatherSubmitted = 10 * time.Minute
)

// Delivery channels.
const (
	ChannelEmail = "email"
)

// notifyDeps are what the notification jobs need from the wiring.
type notifyDeps struct {
	deliverers Deliverers
	baseURL    string // the server's public address, for absolute links
}

// SetDeliverers wires the outside channels and the public address links in
// messages start with (e.g. "https://zeren.example.edu.cn"). Without it
// notices reach inboxes only and deliveries fail with a clear error.
func (a *App) SetDeliverers(d Deliverers, baseURL string) {
	a.notifyDeps = notifyDeps{deliverers: d, baseURL: strings.TrimRight(baseURL, "/")}
}

// notify records notices in the transaction of the change that causes them
// (the outbox): a rolled-back change notifies no one. A notice's At, when
// set, is the earliest it is fanned out (a gathering window); zero is now.
func (a *App) notify(ctx context.Context, tx *store.Tx, notices ...domain.Notice) error {
	for _, n := range notices {
		if err := checkNotice(n); err != nil {
			return err
		}
		at := n.At
		if at.IsZero() || at.Before(tx.Now()) {
			at = tx.Now()
		}
		if err := tx.InsertNotice(ctx, n, at); err != nil {
			return err
		}
	}
	return nil
}

func checkNotice(n domain.Notice) error {
	if n.Kind == "" || n.DedupKey == "" {
		return domain.Invalid("notice", "a notice needs a kind and a dedup key")
	}
	if len(n.Recipients) == 0 && len(n.Units) == 0 {
		return domain.Invalid("notice", "notice %s has no recipients", n.DedupKey)
	}
	if err := domain.TextLine("subject", n.Subject); err != nil {
		return err
	}
	if n.Body != "" {
		return domain.TextBlock("body", n.Body)
	}
	return nil
}

// DeliveryDue is a delivery the job runner must send, not before At.
type DeliveryDue struct {
	ID int64
	At time.Time
}

// FanOutDue fans out up to a batch of due notices, each in its own
// transaction that claims it: its recipients' inboxes, and a delivery for
// each outside channel they (or their units) chose. It returns the deliveries
// to queue and whether more notices may be due. Two nodes running it at once
// fan each notice out once.
func (a *App) FanOutDue(ctx context.Context) (due []DeliveryDue, more bool, err error) {
	var ids []int64
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		ids, err = tx.DueNoticeIDs(ctx, fanOutBatch)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	for _, id := range ids {
		err := a.st.Write(ctx, func(tx *store.Tx) error {
			d, err := a.fanOut(ctx, tx, id)
			due = append(due, d...)
			return err
		})
		if err != nil {
			return due, false, err
		}
	}
	// Deliveries whose node died after fanning out and before queueing.
	err = a.st.Read(ctx, func(tx *store.Tx) error {
		stale, err := tx.PendingDeliveryIDs(ctx, a.now().Add(-time.Minute), 1000)
		for _, id := range stale {
			due = append(due, DeliveryDue{ID: id})
		}
		return err
	})
	return due, len(ids) == fanOutBatch, err
}

func (a *App) fanOut(ctx context.Context, tx *store.Tx, id int64) ([]DeliveryDue, error) {
	n, ok, err := tx.ClaimNotice(ctx, id)
	if err != nil || !ok {
		return nil, err
	}
	accounts, err := tx.NoticeRecipients(ctx, n.Recipients, n.Units, n.Perm)
	if err != nil {
		return nil, err
	}
	if err := tx.AddToInboxes(ctx, n, accounts); err != nil {
		return nil, err
	}
	settings, err := tx.NotifySettingsOf(ctx, accounts)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	var ds []store.Delivery
	for _, acc := range accounts {
		s, ok := settings[acc]
		if !ok || s.Email == "" || !kindChosen(s.EmailKinds, n.Kind) {
			continue
		}
		d := store.Delivery{NoticeID: n.ID, AccountID: acc, Channel: ChannelEmail, State: "pending", NotBefore: now}
		if s.DigestHour >= 0 {
			d.State = "digest"
		} else if end, quiet := quietEnd(now, a.clock.Location(), s.QuietFrom, s.QuietTo); quiet {
			d.NotBefore = end
		}
		ds = append(ds, d)
	}
	robots, err := tx.RobotsOfUnits(ctx, n.Units)
	if err != nil {
		return nil, err
	}
	for _, r := range robots {
		if kindChosen(r.Kinds, n.Kind) {
			ds = append(ds, store.Delivery{NoticeID: n.ID, RobotID: r.ID, Channel: r.Kind, State: "pending", NotBefore: now})
		}
	}
	added, err := tx.AddDeliveries(ctx, ds)
	if err != nil {
		return nil, err
	}
	out := make([]DeliveryDue, 0, len(added))
	for _, d := range added {
		due := DeliveryDue{ID: d.ID}
		if d.NotBefore.After(now) {
			due.At = d.NotBefore
		}
		out = append(out, due)
	}
	return out, nil
}

// kindChosen reports whether kind is among chosen; an empty choice is every kind.
func kindChosen(chosen []string, kind string) bool {
	return len(chosen) == 0 || slices.Contains(chosen, kind)
}

// quietEnd reports whether now falls in the quiet hours from–to ("22:00",
// "07:00", in the bureau's zone loc; a window may cross midnight) and, when
// it does, the instant they end. Empty or equal bounds mean no quiet hours.
func quietEnd(now time.Time, loc *time.Location, from, to string) (time.Time, bool) {
	f, okF := clockMinutes(from)
	t, okT := clockMinutes(to)
	if !okF || !okT || f == t {
		return time.Time{}, false
	}
	local := now.In(loc)
	m := local.Hour()*60 + local.Minute()
	var in bool
	if f < t {
		in = m >= f && m < t
	} else {
		in = m >= f || m < t
	}
	if !in {
		return time.Time{}, false
	}
	end := time.Date(local.Year(), local.Month(), local.Day(), t/60, t%60, 0, 0, loc)
	if !end.After(local) {
		end = time.Date(local.Year(), local.Month(), local.Day()+1, t/60, t%60, 0, 0, loc)
	}
	return end, true
}

// clockMinutes parses "HH:MM" (two digits each) into minutes after midnight.
func clockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h, m := int(s[0]-'0')*10+int(s[1]-'0'), int(s[3]-'0')*10+int(s[4]-'0')
	if h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}

// ErrNoDeliverers is the error of a delivery when no channels are wired.
var ErrNoDeliverers = errors.New("no delivery channels are configured on this server")

// DeliveryOutcome tells the job runner what became of one attempt.
type DeliveryOutcome struct {
	// Wait, when set, is when the delivery may go (quiet hours began
	// after it was queued): the runner snoozes the job until then.
	Wait time.Time
	// Permanent marks an error no retry can fix: the runner gives up at once.
	Permanent bool
}

// Deliver makes one attempt at delivery id. last says it is the runner's last
// attempt: a failure then marks the delivery failed (with the error, shown on
// the system admin's page). A delivery already sent or failed is left alone,
// so a job run twice sends once.
func (a *App) Deliver(ctx context.Context, id int64, last bool) (DeliveryOutcome, error) {
	var d store.Delivery
	var robot store.UnitRobot
	var to string
	var set store.NotifySettings
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if d, err = tx.GetDelivery(ctx, id); err != nil || d.State != "pending" {
			return err // a delivery done (or given up: its robot removed) is not sent
		}
		if d.RobotID != 0 {
			robot, err = tx.GetRobot(ctx, d.RobotID)
			return err
		}
		s, err := tx.NotifySettingsOf(ctx, []int64{d.AccountID})
		set, to = s[d.AccountID], s[d.AccountID].Email
		return err
	})
	if domain.IsKind(err, domain.KindNotFound) {
		return DeliveryOutcome{Permanent: true}, err
	}
	if err != nil {
		return DeliveryOutcome{}, err
	}
	if d.State != "pending" {
		return DeliveryOutcome{}, nil
	}
	if d.AccountID != 0 {
		if end, quiet := quietEnd(a.now(), a.clock.Location(), set.QuietFrom, set.QuietTo); quiet {
			return DeliveryOutcome{Wait: end}, nil
		}
	}
	sendErr := a.send(ctx, d, robot, to)
	// The outcome is recorded even when the runner's timeout ended ctx (a
	// webhook that hangs): that is when it matters most.
	ctx = context.WithoutCancel(ctx)
	if sendErr == nil {
		return DeliveryOutcome{}, a.finishDelivery(ctx, id, "sent", "")
	}
	var de *deliver.Error
	permanent := errors.Is(sendErr, ErrNoDeliverers) || (errors.As(sendErr, &de) && de.Permanent)
	state := "pending"
	if last || permanent {
		state = "failed"
	}
	if err := a.finishDelivery(ctx, id, state, sendErr.Error()); err != nil {
		return DeliveryOutcome{}, errors.Join(sendErr, err)
	}
	return DeliveryOutcome{Permanent: permanent}, sendErr
}

func (a *App) finishDelivery(ctx context.Context, id int64, state, msg string) error {
	return a.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.FinishDelivery(ctx, id, state, msg)
		return err
	})
}

// send builds the channel of one delivery and sends its message.
func (a *App) send(ctx context.Context, d store.Delivery, robot store.UnitRobot, to string) error {
	if a.notifyDeps.deliverers == nil {
		return ErrNoDeliverers
	}
	msg := deliver.Message{Subject: d.Subject, Body: d.Body, Link: a.absLink(d.Link)}
	var ch deliver.Channel
	var err error
	if d.RobotID != 0 {
		r, oerr := a.openRobot(robot)
		if oerr != nil {
			return &deliver.Error{Channel: robot.Kind, Permanent: true, Err: oerr}
		}
		ch, err = a.notifyDeps.deliverers.Robot(r)
	} else {
		if to == "" {
			return &deliver.Error{Channel: "smtp", Permanent: true, Err: errors.New("the account has no e-mail address")}
		}
		ch, err = a.notifyDeps.deliverers.Email([]string{to})
	}
	if err != nil {
		return &deliver.Error{Channel: d.Channel, Permanent: true, Err: err}
	}
	return ch.Send(ctx, msg)
}

func (a *App) absLink(link string) string {
	if link == "" || a.notifyDeps.baseURL == "" || !strings.HasPrefix(link, "/") {
		return link
	}
	return a.notifyDeps.baseURL + link
}

// robotAD binds a sealed robot secret to its robot's unit, so a sealed value
// copied onto another row does not open.
func robotAD(org int64, field string) string { return fmt.Sprintf("robot:%d:%s", org, field) }

func (a *App) openRobot(r store.UnitRobot) (deliver.Robot, error) {
	hook, err := a.secrets.Open(r.Webhook, robotAD(r.OrgID, "webhook"))
	if err != nil {
		return deliver.Robot{}, fmt.Errorf("robot %d: the webhook cannot be unsealed: %w", r.ID, err)
	}
	secret := ""
	if r.Secret != "" {
		if secret, err = a.secrets.Open(r.Secret, robotAD(r.OrgID, "secret")); err != nil {
			return deliver.Robot{}, fmt.Errorf("robot %d: the secret cannot be unsealed: %w", r.ID, err)
		}
	}
	return deliver.Robot{Kind: r.Kind, Webhook: hook, Secret: secret}, nil
}

// digestSweep sends each account whose digest hour has come its waiting
// notices as one e-mail. Idempotent: the deliveries it takes are marked
// sent in the same transaction, so a second run finds none.
func (a *App) digestSweep(ctx context.Context) error {
	now := a.now()
	hour := now.In(a.clock.Location()).Hour()
	var accounts []int64
	if err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		accounts, err = tx.DigestAccounts(ctx, hour)
		return err
	}); err != nil {
		return err
	}
	var errs []error
	for _, acc := range accounts {
		errs = append(errs, a.sendDigest(ctx, acc, now))
	}
	return errors.Join(errs...)
}

// sendDigest sends an account's waiting notices as one message, then marks
// them sent. The send happens outside any transaction (no write waits for a
// mail server); a refused message leaves them waiting for the next run.
func (a *App) sendDigest(ctx context.Context, acc int64, now time.Time) error {
	var ds []store.Delivery
	var set store.NotifySettings
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		if ds, err = tx.DigestWaiting(ctx, acc, now.Add(time.Second)); err != nil {
			return err
		}
		s, err := tx.NotifySettingsOf(ctx, []int64{acc})
		set = s[acc]
		return err
	})
	if err != nil || len(ds) == 0 {
		return err
	}
	var b strings.Builder
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
		fmt.Fprintf(&b, "· %s\n", d.Subject)
		if d.Link != "" {
			fmt.Fprintf(&b, "  %s\n", a.absLink(d.Link))
		}
	}
	digest := store.Delivery{Subject: fmt.Sprintf("每日通知汇总：%d 条", len(ds)), Body: b.String()}
	if err := a.send(ctx, digest, store.UnitRobot{}, set.Email); err != nil {
		return fmt.Errorf("digest for account %d: %w", acc, err)
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		_, err := tx.MarkDigestSent(ctx, ids)
		return err
	})
}

// Inbox returns a page of the actor's notices, newest first.
func (a *App) Inbox(ctx context.Context, ac domain.Actor, unreadOnly bool, limit, offset int) ([]store.InboxItem, int, error) {
	if ac.AccountID == 0 {
		return []store.InboxItem{}, 0, nil
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if offset < 0 {
		return nil, 0, domain.Invalid("offset", "must not be negative")
	}
	var items []store.InboxItem
	var total int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		items, total, err = tx.Inbox(ctx, ac.AccountID, unreadOnly, limit, offset)
		return err
	})
	return items, total, err
}

// UnreadCount counts the actor's unread notices (the header's bell).
func (a *App) UnreadCount(ctx context.Context, ac domain.Actor) (int, error) {
	if ac.AccountID == 0 {
		return 0, nil
	}
	var n int
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.UnreadCount(ctx, ac.AccountID)
		return err
	})
	return n, err
}

// MarkRead marks the actor's notices ids read, or all of them when ids is
// empty; another account's ids change nothing.
func (a *App) MarkRead(ctx context.Context, ac domain.Actor, ids []int64) (int, error) {
	if ac.AccountID == 0 {
		return 0, nil
	}
	if len(ids) > MaxBulk {
		return 0, domain.Invalid("ids", "at most %d at once, got %d", MaxBulk, len(ids))
	}
	var n int
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		var err error
		n, err = tx.MarkRead(ctx, ac.AccountID, ids)
		return err
	})
	return n, err
}

// NotifySettingsInput is an account's delivery settings as the API takes them.
type NotifySettingsInput = store.NotifySettings

// NotifySettings returns the actor's own delivery settings.
func (a *App) NotifySettings(ctx context.Context, ac domain.Actor) (store.NotifySettings, error) {
	out := store.NotifySettings{EmailKinds: []string{}, DigestHour: -1}
	if ac.AccountID == 0 {
		return out, domain.Forbidden("only an account has notification settings")
	}
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		m, err := tx.NotifySettingsOf(ctx, []int64{ac.AccountID})
		if s, ok := m[ac.AccountID]; ok {
			out = s
		}
		return err
	})
	if out.EmailKinds == nil {
		out.EmailKinds = []string{}
	}
	return out, err
}

// SetNotifySettings stores the actor's own delivery settings.
func (a *App) SetNotifySettings(ctx context.Context, ac domain.Actor, s store.NotifySettings) (store.NotifySettings, error) {
	if ac.AccountID == 0 {
		return s, domain.Forbidden("only an account has notification settings")
	}
	s.Email = strings.TrimSpace(s.Email)
	if s.Email != "" {
		if err := domain.TextLine("email", s.Email); err != nil {
			return s, err
		}
		if at := strings.Index(s.Email, "@"); at < 1 || at == len(s.Email)-1 || strings.ContainsAny(s.Email, " ,;<>") || len(s.Email) > 254 {
			return s, domain.Invalid("email", "%q is not an e-mail address", s.Email)
		}
	}
	if (s.QuietFrom == "") != (s.QuietTo == "") {
		return s, domain.Invalid("quiet_to", "quiet hours need both a start and an end")
	}
	for field, v := range map[string]string{"quiet_from": s.QuietFrom, "quiet_to": s.QuietTo} {
		if _, ok := clockMinutes(v); v != "" && !ok {
			return s, domain.Invalid(field, "%q is not a time of day like 22:00", v)
		}
	}
	if s.DigestHour < -1 || s.DigestHour > 23 {
		return s, domain.Invalid("digest_hour", "must be an hour 0–23, or -1 for no digest")
	}
	if len(s.EmailKinds) > 50 {
		return s, domain.Invalid("email_kinds", "at most 50 kinds")
	}
	for i, k := range s.EmailKinds {
		if err := domain.TextLine(fmt.Sprintf("email_kinds[%d]", i), k); err != nil {
			return s, err
		}
	}
	s.AccountID = ac.AccountID
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutNotifySettings(ctx, s); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "notify.settings", Target: fmt.Sprintf("account:%d", ac.AccountID),
			After: map[string]any{"email_set": s.Email != "", "kinds": s.EmailKinds, "quiet_from": s.QuietFrom, "quiet_to": s.QuietTo, "digest_hour": s.DigestHour}})
	})
	if s.EmailKinds == nil {
		s.EmailKinds = []string{}
	}
	return s, err
}

// RobotInput is a unit's new group robot.
type RobotInput struct {
	OrgID   int64    `json:"org_id"`
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	Webhook string   `json:"webhook"`
	Secret  string   `json:"secret"`
	Kinds   []string `json:"kinds"`
}

// AddRobot adds a group robot to a unit in the actor's write scope; the
// webhook and the secret are stored sealed and never shown again.
func (a *App) AddRobot(ctx context.Context, ac domain.Actor, in RobotInput) (store.UnitRobot, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return store.UnitRobot{}, err
	}
	if in.Kind != "dingtalk" && in.Kind != "wecom" && in.Kind != "feishu" {
		return store.UnitRobot{}, domain.Invalid("kind", "must be dingtalk, wecom or feishu")
	}
	if err := domain.TextLine("name", in.Name); err != nil {
		return store.UnitRobot{}, err
	}
	if strings.TrimSpace(in.Name) == "" {
		return store.UnitRobot{}, domain.Invalid("name", "is empty")
	}
	if !strings.HasPrefix(in.Webhook, "https://") && !strings.HasPrefix(in.Webhook, "http://") {
		return store.UnitRobot{}, domain.Invalid("webhook", "must be an http(s) address")
	}
	if err := domain.TextLine("webhook", in.Webhook); err != nil {
		return store.UnitRobot{}, err
	}
	if err := domain.TextLine("secret", in.Secret); err != nil {
		return store.UnitRobot{}, err
	}
	if in.Kinds == nil {
		in.Kinds = []string{}
	}
	r := store.UnitRobot{OrgID: in.OrgID, Kind: in.Kind, Name: strings.TrimSpace(in.Name), Kinds: in.Kinds,
		Webhook: a.secrets.Seal(in.Webhook, robotAD(in.OrgID, "webhook"))}
	if in.Secret != "" {
		r.Secret = a.secrets.Seal(in.Secret, robotAD(in.OrgID, "secret"))
	}
	err := a.st.Write(ctx, func(tx *store.Tx) error {
		ok, err := tx.InScope(ctx, ac.Scope.Roots, in.OrgID)
		if err != nil {
			return err
		}
		if !ok {
			return domain.NotFound("unit %d", in.OrgID)
		}
		if r.ID, err = tx.AddRobot(ctx, r); err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "notify.robot.add", Target: fmt.Sprintf("org:%d", in.OrgID),
			After: map[string]any{"id": r.ID, "kind": r.Kind, "name": r.Name, "kinds": r.Kinds}})
	})
	return r, err
}

// ListRobots lists the robots of the units in the actor's write scope.
func (a *App) ListRobots(ctx context.Context, ac domain.Actor) ([]store.UnitRobot, error) {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return nil, err
	}
	var out []store.UnitRobot
	err := a.st.Read(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.ListRobots(ctx, ac.Scope)
		return err
	})
	return out, err
}

// DeleteRobot removes a robot of a unit in the actor's write scope.
func (a *App) DeleteRobot(ctx context.Context, ac domain.Actor, id int64) error {
	if err := ac.Require(domain.PermOrgManage); err != nil {
		return err
	}
	return a.st.Write(ctx, func(tx *store.Tx) error {
		r, err := tx.DeleteRobot(ctx, ac.Scope, id, "群机器人已删除")
		if err != nil {
			return err
		}
		return a.record(ctx, tx, ac, AuditEntry{Type: "notify.robot.delete", Target: fmt.Sprintf("robot:%d", id),
			Before: map[string]any{"org_id": r.OrgID, "kind": r.Kind, "name": r.Name, "kinds": r.Kinds}})
	})
}
