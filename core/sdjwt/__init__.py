"""SD-JWT (RFC 9901) and SD-JWT VC: one module per role, sharing the wire format
(:mod:`.compact`), disclosures (:mod:`.disclosure`) and claim processing (:mod:`.process`)."""
