"""cert add / list / import / delete."""

from __future__ import annotations

import argparse
from datetime import date

from tracker.cli import open_store, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cert", help="certifications you hold")
    csub = p.add_subparsers(dest="cert_command", metavar="ACTION", required=True,
                            parser_class=type(p))
    a = csub.add_parser("add", help="record a certification")
    a.add_argument("--name", required=True,
                   help="the certification's name (a catalog name links it to its skills)")
    a.add_argument("--issuer", required=True, help="who issued it")
    a.add_argument("--earned", required=True, metavar="YYYY-MM-DD", help="the date you earned it")
    a.add_argument("--expires", metavar="YYYY-MM-DD", help="the date it expires, if it does")
    a.add_argument("--credential-id", default="", metavar="ID",
                   help="the issuer's credential id")
    a.add_argument("--url", default="", help="a link to verify it")
    a.set_defaults(func=cmd_add)
    ls = csub.add_parser("list", help="list certifications with their status")
    ls.add_argument("--json", action="store_true", help="one JSON document on stdout")
    ls.set_defaults(func=cmd_list)
    im = csub.add_parser(
        "import", help="import an Open Badge (2.0 assertion or 3.0 credential)",
        description="Import an Open Badge: JSON (.json, .jsonld; UTF-8 or UTF-16), a compact "
                    "JWS or VC-JWT (.jwt, .jws), a baked PNG or SVG, or a presentation "
                    "wrapping one credential. The same credential (same id) is imported "
                    "once. Signatures are checked offline where the key is in the file "
                    "(did:key, an embedded JWK); nothing is fetched from the network.")
    im.add_argument("file", metavar="FILE",
                    help="the badge file (at most 2 MB)")
    im.set_defaults(func=cmd_import)
    rm = csub.add_parser("delete", help="delete a certification by id")
    rm.add_argument("id", type=int, metavar="ID", help="the id shown by cert list")
    rm.set_defaults(func=cmd_delete)


def cmd_add(args: argparse.Namespace) -> int:
    from tracker.db.types import CertificationInput

    with open_store(args) as store:
        catalog = {c.name.casefold(): c.id for c in store.curriculum().certifications}
        c = store.add_certification(CertificationInput(
            name=args.name, issuer=args.issuer, earned=args.earned, expires=args.expires,
            credential_id=args.credential_id, url=args.url,
            catalog_id=catalog.get(args.name.strip().casefold())))
    print(f"added certification {c.id}: {c.name} ({c.issuer}), earned {c.earned}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from tracker.status import cert_status

    today = date.today().isoformat()
    with open_store(args) as store:
        certs = store.certifications()
        checks = {c.id: store.cert_verification(c) for c in certs}
        catalog = store.curriculum().certification_by_id
    by_name = {e.name.casefold(): e for e in catalog.values()}

    def entry(c):  # the catalog entry a held certification is (None when not in it)
        return catalog.get(c.catalog_id or "") or by_name.get(c.name.strip().casefold())

    rows = [{"id": c.id, "name": c.name, "issuer": c.issuer, "earned": c.earned,
             "expires": c.expires, "credential_id": c.credential_id, "url": c.url,
             "status": cert_status(c.expires, today), "source": c.source,
             "verified": c.verified, "verification": checks[c.id][0],
             "issuer_key": checks[c.id][1] or None,
             # revocation lists need the network
             "revocation": "not checked" if c.raw and '"credentialStatus"' in c.raw
             else None,
             # the issuer's status from the catalog: a retired certification stays yours
             "retired_on": (e.retired_on if (e := entry(c)) is not None and e.retired
                            else None)} for c in certs]
    if args.json:
        print_json({"certifications": rows})
        return 0
    from tracker.exchange.credential_verify import plain

    for r in rows:
        retired = (f"  (retired by the issuer on {r['retired_on']})" if r["retired_on"]
                   else "")
        revocation = "; revocation not checked" if r["revocation"] else ""
        print(f"{r['id']:>3}  {r['status']:<9} {r['earned']}  {r['expires'] or '-':<10}  "
              f"{r['name']} ({r['issuer']}){retired}  · "
              f"{plain(r['verification'], r['issuer_key'] or '')}{revocation}")
    print(f"{len(rows)} certifications")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from tracker.exchange.openbadges import already_imported, load_badge

    badge = load_badge(args.file)
    with open_store(args) as store:
        same = already_imported(store.certifications(), badge)
        if same is not None:
            print(f"already imported as certification {same.id}: {same.name} "
                  f"(same credential id {badge.credential_id}); nothing added")
            return 0
        catalog = {c.name.casefold(): c.id for c in store.curriculum().certifications}
        from dataclasses import replace

        c = store.add_certification(replace(badge, catalog_id=catalog.get(badge.name.casefold())))
    from tracker.exchange.credential_verify import has_status_list, plain

    revocation = "; revocation not checked" if has_status_list(badge.raw) else ""
    print(f"imported certification {c.id}: {c.name} ({c.issuer}), earned {c.earned}. "
          f"{plain(badge.verification or 'unsigned', badge.key_id, full_key=True)}"
          f"{revocation}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        c = store.delete_certification(args.id)
    print(f"deleted certification {c.id}: {c.name}")
    return 0
