package importer

import (
	"encoding/json"
	"maps"
	"math"
	"slices"

	"roster"
)

// Row digests (roster.Digest) settle the rows of a re-import that leave
// their contact as it is without loading the contact: the usual re-import
// of an unchanged file. A digest covers everything that decides what a row
// does to the contact it matches: the row's normalized values and which of
// its cells are blank, the options that say how they apply and which
// columns are mapped, and the companies the row links, by id. It is stored
// only with a state that applying the row again would leave as it is, and
// any other write clears it; so a row whose digest the matched contact
// holds would change nothing.

// digestVersion changes whenever what a digest covers changes, so that
// digests stored by an older Roster never match.
const digestVersion = 1

// digester is 64-bit FNV-1a, written out to take strings without copying.
// Two inputs of the same length that differ in one byte never collide.
type digester uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (d *digester) byte(b byte) { *d = (*d ^ digester(b)) * fnvPrime }

func (d *digester) uint(n uint64) {
	for i := range 8 {
		d.byte(byte(n >> (8 * i)))
	}
}

func (d *digester) bool(b bool) {
	if b {
		d.byte(1)
	} else {
		d.byte(0)
	}
}

func (d *digester) str(s string) {
	d.uint(uint64(len(s)))
	for i := range len(s) {
		d.byte(s[i])
	}
}

func (d *digester) strs(l []string) {
	d.uint(uint64(len(l)))
	for _, s := range l {
		d.str(s)
	}
}

// value digests a custom value by its type: the types the parser makes.
func (d *digester) value(v any) {
	switch v := v.(type) {
	case string:
		d.byte('s')
		d.str(v)
	case bool:
		d.byte('b')
		d.bool(v)
	case int64:
		d.byte('i')
		d.uint(uint64(v))
	case float64:
		d.byte('f')
		d.uint(math.Float64bits(v))
	case []string:
		d.byte('l')
		d.strs(v)
	default:
		b, _ := json.Marshal(v)
		d.byte('j')
		d.str(string(b))
	}
}

// digestSeed covers what is the same for every row of an import: the
// options that say how a row applies, and the mapped keys (with --blank
// clear a mapped blank cell clears).
func digestSeed(o roster.ImportOptions, columns []string) digester {
	d := digester(fnvOffset)
	d.uint(digestVersion)
	d.str(o.Blank)
	d.str(o.Lists)
	d.str(o.CustomFields)
	d.str(o.Merge)
	keys := slices.Clone(columns)
	slices.Sort(keys)
	d.strs(slices.Compact(keys))
	return d
}

// contactDigest is the part of a contact row's digest that the row alone
// decides; rowDigest adds the companies once they are resolved.
func (p *parser) contactDigest(r *record) digester {
	d := p.seed
	c := &r.contact
	for _, bit := range contactKeyBits {
		d.bool(r.filled&bit != 0)
	}
	for _, s := range []string{c.Name, c.FirstName, c.LastName, c.Email, c.Phone, c.Mobile, c.JobTitle, c.ExternalID,
		c.Username, c.Role, c.Language, c.TimeZone, c.Address, c.Description} {
		d.str(s)
	}
	d.strs(c.OtherEmails)
	d.strs(c.Tags)
	for _, k := range p.customOrder {
		v, ok := r.custom[k]
		d.bool(ok)
		if ok {
			d.value(v)
		}
	}
	return d
}

// rowDigest is the digest of a row that links the companies ms, in order.
func rowDigest(base digester, ms []roster.Membership) roster.Digest {
	d := base
	d.uint(uint64(len(ms)))
	for _, m := range ms {
		d.uint(uint64(m.CompanyID))
		d.bool(m.ViewAllTickets)
	}
	if d == 0 {
		d = 1 // 0 is "no digest"
	}
	return roster.Digest(d)
}

// idempotent reports whether applying r again to c, which r wrote (or
// created), leaves c as it is: only then may c keep r's digest. Memberships
// are united or replaced by the same companies, which always leaves them
// as they are.
func (run *run) idempotent(c *roster.Contact, r *record) bool {
	again := cloneContact(c)
	run.applyRow(again, r, false)
	again.Normalize()
	return equalContact(c, again)
}

// settleKept marks the rows that would leave the contact they match as it
// is, known from the contact's stored digest: such a row needs neither the
// contact loaded nor its other keys looked up. The batch must hold the
// owners of every identifier rows match by, and the companies they name.
func (b *batch) settleKept(recs []*record) error {
	targets := make([]int64, len(recs))
	var ids []int64
	for i, r := range recs {
		if !r.failed() {
			if targets[i] = b.target(&r.contact); targets[i] != 0 {
				ids = append(ids, targets[i])
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.DeleteFunc(slices.Compact(ids), func(id int64) bool {
		_, ok := b.stamps[id]
		return ok
	})
	more, err := b.tx.ContactStamps(ids)
	if err != nil {
		return err
	}
	b.addStamps(more)
	for i, r := range recs {
		stored := b.stamps[targets[i]].Digest
		if stored == 0 {
			continue
		}
		if ms, ok := b.knownCompanies(r); ok && rowDigest(r.digest, ms) == stored {
			r.kept = targets[i]
		}
	}
	return nil
}

// addStamps adds to the batch's stamps, the newer winning.
func (b *batch) addStamps(stamps map[int64]roster.ContactStamp) {
	if b.stamps == nil {
		b.stamps = stamps
	} else {
		maps.Copy(b.stamps, stamps)
	}
}

// target is the contact a row updates when that is a single contact: the
// first it matches, or with --merge all the only one.
func (b *batch) target(c *roster.Contact) int64 {
	matched := b.matchContacts(c)
	if len(matched) == 0 || len(matched) > 1 && b.run.opts.Merge == roster.MergeAll {
		return 0
	}
	return matched[0]
}

// knownCompanies are the memberships a row links to companies that exist,
// or ok false if it names one that does not.
func (b *batch) knownCompanies(r *record) (ms []roster.Membership, ok bool) {
	for _, ref := range r.refs {
		co := b.findCompany(ref)
		if co == nil {
			return nil, false
		}
		ms = append(ms, roster.Membership{CompanyID: co.ID, CompanyName: co.Name, ViewAllTickets: ref.viewAll != nil && *ref.viewAll})
	}
	return ms, true
}
