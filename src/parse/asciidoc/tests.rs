use super::*;
use crate::parse::outline;

#[test]
fn titles_attributes_conditionals_and_tables() {
    let page = "\
= Ports
:product: Kafka
:kafka-port: 9092

== {product} broker

ifdef::openshift[]
NOTE: On OpenShift, see {platform}.
endif::[]

.Ports used by {product}
[cols=\"1,1,2\",options=\"header\"]
|===
|Protocol |Port |Purpose
|TCP |{kafka-port} |Clients
.2+|UDP
m|53
|DNS
|`5353`
a|* mDNS
|===

== Implicit header

|===
|Port |Protocol

|443
|TCP
|===
";
    let blocks = asciidoc_blocks(page).unwrap();
    assert_eq!(
        outline(&blocks),
        [
            "h1@1: Ports",
            "h2@5: Kafka broker",
            "quirk@7",
            "note@8: On OpenShift, see {platform}.",
            "quirk@8",
            "caption@11: Ports used by Kafka",
            "table@14 [Protocol|Port|Purpose] 15:TCP/9092/Clients 16:UDP/53/DNS 19:UDP/5353/mDNS",
            "h2@23: Implicit header",
            "table@26 [Port|Protocol] 28:443/TCP",
        ]
    );
    let quirks: Vec<(AnomalyKind, &str)> = blocks
        .iter()
        .filter_map(|b| if let Block::Quirk(a) = b { Some((a.kind, a.raw.as_str())) } else { None })
        .collect();
    assert_eq!(
        quirks,
        [(AnomalyKind::TemplateLine, "ifdef::openshift[]"), (AnomalyKind::UnresolvedAttribute, "{platform}")]
    );
}

#[test]
fn verbatim_blocks_comments_and_csv_tables() {
    let page = "\
== Ports

----
|===
|not a table
----

// a comment
[format=csv,options=header]
|===
Port,Protocol
\"53\", UDP
|===
";
    assert_eq!(outline(&asciidoc_blocks(page).unwrap()), ["h2@1: Ports", "table@11 [Port|Protocol] 12:53/UDP"]);
}
