import Foundation
import XCTest
@testable import LiaisonTrace

final class MailReaderTests: XCTestCase {
    // MARK: - Helpers

    /// Ingests `text` (LF line ends turned into CRLF when `crlf`) as `name`, checking the block invariants.
    private func ingest(_ text: String, name: String = "message.eml", crlf: Bool = false,
                        limits: IngestLimits = IngestLimits()) throws -> IngestedDocument {
        let raw = crlf ? text.replacingOccurrences(of: "\n", with: "\r\n") : text
        let document = try Ingestor(limits: limits).ingest(ReaderInput(path: name, data: Data(raw.utf8),
                                                                       limits: limits))
        try MailReaderTests.checkBlocks(document)
        return document
    }

    /// Every block's range lies in the text, blocks are in order, and no block starts or ends with white space.
    static func checkBlocks(_ document: IngestedDocument, file: StaticString = #filePath, line: UInt = #line) throws {
        let length = document.text.utf8.count
        var previousEnd = 0
        for block in document.blocks {
            XCTAssertLessThanOrEqual(previousEnd, block.range.start, "blocks out of order", file: file, line: line)
            XCTAssertLessThan(block.range.start, block.range.end, "empty block", file: file, line: line)
            XCTAssertLessThanOrEqual(block.range.end, length, "block past the end", file: file, line: line)
            let text = document.text(of: block.range)
            XCTAssertEqual(text, text.trimmingCharacters(in: .whitespacesAndNewlines), "untrimmed block",
                           file: file, line: line)
            previousEnd = block.range.end
        }
        for child in document.children { try checkBlocks(child, file: file, line: line) }
    }

    private func blockTexts(_ document: IngestedDocument, _ kind: BlockKind) -> [String] {
        document.blocks.filter { $0.kind == kind }.map { document.text(of: $0.range) }
    }

    private func base64(_ text: String, lineLength: Int = 76) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [String] = []
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(lineLength)))
            rest = rest.dropFirst(lineLength)
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Header fields

    func testFoldedHeadersAndEncodedWordsAreDecodedIntoFieldsAndFieldBlocks() throws {
        let document = try ingest("""
            From: =?iso-8859-1?Q?Andr=E9_Dupont?= <andre@example.org>
            To: SA ITU-T AH <list@example.org>,
             Erik <erik@example.org>
            Date: Tue, 04 Jun 2019 19:16:23 +0000
            Subject: =?UTF-8?Q?fyi:_SP-190531_response_=E2=80=93?=
             =?UTF-8?B?IHJvYWRtYXAg4oCcbm9uLVJBTuKAnQ==?= for
            \tSA#84
            Message-ID: <1@example.org>
            X-Note: =?windows-1252?Q?=93quoted=94?= and =?utf-8?q?caf=C3=A9?=

            Body.
            """, crlf: true)
        XCTAssertEqual(document.source.format, .email)
        XCTAssertEqual(document.field("From"), "André Dupont <andre@example.org>")
        XCTAssertEqual(document.field("To"), "SA ITU-T AH <list@example.org>, Erik <erik@example.org>")
        XCTAssertEqual(document.field("Subject"), "fyi: SP-190531 response – roadmap “non-RAN” for SA#84")
        XCTAssertEqual(document.field("X-Note"), "“quoted” and café")
        XCTAssertEqual(document.fields.map(\.name), ["From", "To", "Date", "Subject", "Message-ID", "X-Note"])
        let subject = try XCTUnwrap(document.blocks.first { $0.name == "Subject" })
        XCTAssertEqual(subject.kind, .field)
        XCTAssertEqual(document.text(of: subject.range),
                       "Subject: fyi: SP-190531 response – roadmap “non-RAN” for SA#84")
        XCTAssertTrue(document.text.hasPrefix("From: André Dupont <andre@example.org>\nTo: "))
        XCTAssertTrue(document.text.contains("X-Note: “quoted” and café\n\nBody.\n"), document.text)
        XCTAssertEqual(blockTexts(document, .paragraph), ["Body."])
    }

    func testTransportAndMIMEFieldsAreLeftOut() throws {
        let document = try ingest("""
            Received: from mx.example.org by example.net; Tue, 4 Jun 2019 19:16:23 +0000
            DKIM-Signature: v=1; a=rsa-sha256; d=example.org; b=abc
            ARC-Seal: i=1; a=rsa-sha256
            X-MS-Exchange-Organization-SCL: 1
            From: a@example.org
            Subject: LS on KPIs
            Date: Fri, 05 May 2017 02:19:28 +0000
            MIME-Version: 1.0
            Content-Type: text/plain; charset=us-ascii
            List-Id: <3GPP_TSG_SA_ITUT_AHG.LIST.ETSI.ORG>

            Text.
            """)
        XCTAssertEqual(document.fields.map(\.name), ["From", "Subject", "Date", "List-Id"])
        XCTAssertFalse(document.text.contains("Received"))
    }

    func testMessageWithoutHeaderFieldsIsAnError() {
        XCTAssertThrowsError(try ingest("Just a note, not a message.\n", name: "note.eml")) { error in
            XCTAssertEqual((error as? IngestError)?.id, "ingest.email.no-headers")
        }
    }

    func testMboxOfOneMessageIsThatMessage() throws {
        let document = try ingest("""
            From someone@example.org Tue Jun  4 19:16:23 2019
            From: someone@example.org
            Subject: only
            Date: Tue, 04 Jun 2019 19:16:23 +0000

            Hello
            >From the archive.
            """, name: "one.mbox")
        XCTAssertEqual(document.field("Subject"), "only")
        XCTAssertTrue(document.text.contains("Hello\nFrom the archive."), document.text)
        XCTAssertEqual(document.children.count, 0)
        XCTAssertEqual(document.diagnostics.map(\.id), [])
    }

    func testMboxOfSeveralMessagesIsOneDocumentPerMessageWithItsAttachments() throws {
        let document = try ingest("""
            From someone@example.org Tue Jun  4 19:16:23 2019
            From: someone@example.org
            Subject: first
            Date: Tue, 04 Jun 2019 19:16:23 +0000

            Hello
            >From the archive.

            From other@example.org Wed Jun  5 10:00:00 2019
            From: other@example.org
            Subject: second
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            Second body, see the attachment.
            --b
            Content-Type: text/plain
            Content-Disposition: attachment; filename="SP-190531.txt"

            Reply LS on the roadmap. See TS 23.501.
            --b--

            From third@example.org Thu Jun  6 10:00:00 2019
            Not a header line at all

            """, name: "list.mbox")
        XCTAssertEqual(document.children.map(\.source.path), ["list.mbox!message-1.eml", "list.mbox!message-2.eml"])
        XCTAssertEqual(document.children[0].field("Subject"), "first")
        XCTAssertTrue(document.children[0].text.contains("Hello\nFrom the archive."), document.children[0].text)
        XCTAssertFalse(document.children[0].text.contains("Second body"))
        XCTAssertEqual(document.children[1].field("Subject"), "second")
        XCTAssertEqual(document.children[1].children.map(\.source.path), ["list.mbox!message-2.eml!SP-190531.txt"])
        XCTAssertEqual(document.attachments.map(\.name), ["message-1.eml", "message-2.eml", "message-3.eml"])
        XCTAssertEqual(document.attachments.map(\.ingested), [true, true, false])
        XCTAssertTrue(document.text.contains("message-2.eml"), document.text)
        XCTAssertTrue(document.text.contains("Subject: second"), document.text)
        // The third message has no header fields: a warning on the mailbox, pointing at its line.
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.email.message-failed"])
        XCTAssertEqual(document.diagnostics.first?.path, "list.mbox")
        XCTAssertEqual(document.diagnostics.first?.line, 3)
        XCTAssertEqual(document.diagnostics.first?.summary, "mbox message 3 was not ingested: message has no header fields")
        XCTAssertTrue(document.diagnostics.first?.explanation?.contains("ingest.email.no-headers") ?? false)
    }

    func testMboxMessagesBecomeRecordsInARun() async throws {
        let text = """
            From a@example.org Tue Jun  4 19:16:23 2019
            From: a@example.org
            Subject: LS on IMSI format

            ITU-T SG2 asks 3GPP about TS 23.003.

            From b@example.org Wed Jun  5 10:00:00 2019
            From: b@example.org
            Subject: Reply LS on IMSI format

            3GPP CT replies; see RFC 9110.
            """
        let result = try await TestSupport.pipeline().run([.document(name: "list.mbox", data: Data(text.utf8))])
        XCTAssertEqual(result.records.map(\.source.path), ["list.mbox", "list.mbox!message-1.eml",
                                                           "list.mbox!message-2.eml"])
        XCTAssertEqual(result.records[2].attachedTo, "list.mbox")
        XCTAssertTrue(result.records[2].references.contains { $0.id == "RFC 9110" })
    }

    // MARK: - Bodies

    func testQuotedPrintableBodyWithSoftLineBreaksAndUTF8Escapes() throws {
        let document = try ingest("""
            From: a@example.org
            Subject: qp
            MIME-Version: 1.0
            Content-Type: text/plain; charset="utf-8"
            Content-Transfer-Encoding: quoted-printable

            The reply LS =E2=80=93 SP-190531 =E2=80=93 updates the roadmap with use=
            ful information, =3D everything.
            Second line of the paragraph.

            > Quoted line one
            > quoted line two
            Back to the reply.
            """, crlf: true)
        XCTAssertEqual(blockTexts(document, .paragraph), [
            "The reply LS – SP-190531 – updates the roadmap with useful information, = everything.\n"
                + "Second line of the paragraph.",
            "> Quoted line one\n> quoted line two",
            "Back to the reply.",
        ])
    }

    func testBase64BodyInLatin1() throws {
        let latin1 = try XCTUnwrap("Réponse à la déclaration de liaison".data(using: .isoLatin1))
        let document = try ingest("""
            From: a@example.org
            Subject: b64
            Content-Type: text/plain; charset=ISO-8859-1
            Content-Transfer-Encoding: base64

            \(latin1.base64EncodedString())
            """)
        XCTAssertEqual(blockTexts(document, .paragraph), ["Réponse à la déclaration de liaison"])
        XCTAssertTrue(document.diagnostics.isEmpty)
    }

    func testFormatFlowedLinesAreJoined() throws {
        let document = try ingest("From: a@example.org\nSubject: flowed\n"
            + "Content-Type: text/plain; charset=utf-8; format=flowed\n\n"
            + "This paragraph was wrapped by the mail client and \ncontinues here.\n"
            + "> A quoted line that was \n> wrapped too.\n")
        XCTAssertEqual(blockTexts(document, .paragraph), [
            "This paragraph was wrapped by the mail client and continues here.",
            "> A quoted line that was wrapped too.",
        ])
    }

    func testMultipartAlternativeReadsThePlainText() throws {
        let document = try ingest("""
            From: a@example.org
            Subject: alt
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="==alt=="

            This is a multi-part message in MIME format.
            --==alt==
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 7bit

            Plain text version.
            --==alt==
            Content-Type: text/html; charset=utf-8

            <html><body><p>HTML version.</p></body></html>
            --==alt==--
            Epilogue.
            """, crlf: true)
        XCTAssertEqual(blockTexts(document, .paragraph), ["Plain text version."])
        XCTAssertTrue(document.attachments.isEmpty)
    }

    func testHTMLOnlyBodyIsReadAsText() throws {
        let document = try ingest("""
            From: a@example.org
            Subject: html
            Content-Type: text/html; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            <html><head><style>p { color: red; }</style></head><body>
            <p>Dear colleagues,</p><p>the LS from SG13 is attached &amp; due on 1 August=
             2017. Caf=E9.</p>
            </body></html>
            """)
        XCTAssertTrue(document.text.contains("Dear colleagues,"), document.text)
        XCTAssertTrue(document.text.contains("the LS from SG13 is attached & due on 1 August 2017. Café."),
                      document.text)
        XCTAssertFalse(document.text.contains("<p>"))
        XCTAssertFalse(document.text.contains("color: red"))
    }

    // MARK: - Attachments

    private func mixedMessage(attachments: String) -> String {
        """
        From: rapporteur@example.org
        To: list@example.org
        Subject: draft reply LS
        Date: Tue, 28 May 2013 10:26:05 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: multipart/alternative; boundary="inner"

        --inner
        Content-Type: text/plain; charset=utf-8

        Please find attached the draft reply LS.
        --inner
        Content-Type: text/html; charset=utf-8

        <p>Please find attached the draft reply LS.</p>
        --inner--

        \(attachments)
        --outer--
        """
    }

    func testAttachmentsAreListedAndDocumentsIngestedAsChildren() throws {
        let notes = "Notes on S2-132101.\n\nThe reply answers S2-131713.\n"
        let forwarded = """
            From: velev@example.org
            Subject: original LS
            Date: Mon, 27 May 2013 09:00:00 +0000

            The original message body.
            """
        let document = try ingest(mixedMessage(attachments: """
            --outer
            Content-Type: text/plain; charset=utf-8; name="notes.txt"
            Content-Disposition: attachment; filename="notes.txt"
            Content-Transfer-Encoding: base64

            \(base64(notes))
            --outer
            Content-Type: message/rfc822

            \(forwarded)
            --outer
            Content-Type: image/png; name="logo.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --outer
            Content-Type: application/octet-stream
            Content-Disposition: attachment;
             filename*=UTF-8''r%C3%A9sum%C3%A9%20S2-132101.txt

            R\u{E9}sum\u{E9}.
            """), crlf: true)
        XCTAssertEqual(blockTexts(document, .paragraph), ["Please find attached the draft reply LS."])
        XCTAssertEqual(document.attachments, [
            Attachment(name: "notes.txt", mediaType: "text/plain", size: notes.utf8.count, ingested: true),
            Attachment(name: "message-2.eml", mediaType: "message/rfc822",
                       size: forwarded.replacingOccurrences(of: "\n", with: "\r\n").utf8.count, ingested: true),
            Attachment(name: "logo.png", mediaType: "image/png", size: 8, ingested: false),
            Attachment(name: "résumé S2-132101.txt", mediaType: "application/octet-stream",
                       size: "Résumé.".utf8.count, ingested: true),
        ])
        XCTAssertEqual(document.children.map(\.source.path), ["message.eml!notes.txt", "message.eml!message-2.eml",
                                                               "message.eml!résumé S2-132101.txt"])
        XCTAssertEqual(document.children[0].source.format, .text)
        XCTAssertEqual(document.children[0].text, notes)
        XCTAssertEqual(document.children[1].source.format, .email)
        XCTAssertEqual(document.children[1].field("Subject"), "original LS")
        XCTAssertTrue(document.children[1].text.contains("The original message body."))
        XCTAssertTrue(document.diagnostics.isEmpty, "\(document.diagnostics)")
    }

    func testFailingAttachmentsBecomeWarningsAndTheMessageIsStillRead() throws {
        // An OLE2 signature followed by junk: sniffed as .doc, then antiword refuses it.
        let fakeDoc = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0x41, count: 600))
        let junk = Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) })
        let document = try ingest(mixedMessage(attachments: """
            --outer
            Content-Type: application/pdf; name="empty.pdf"
            Content-Disposition: attachment; filename="empty.pdf"

            --outer
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename="junk.txt"
            Content-Transfer-Encoding: base64

            \(junk.base64EncodedString())
            --outer
            Content-Type: application/msword; name="fake.doc"
            Content-Transfer-Encoding: base64

            \(fakeDoc.base64EncodedString())
            """))
        XCTAssertEqual(blockTexts(document, .paragraph), ["Please find attached the draft reply LS."])
        XCTAssertEqual(document.attachments.map(\.name), ["empty.pdf", "junk.txt", "fake.doc"])
        XCTAssertEqual(document.attachments.map(\.ingested), [false, false, false])
        XCTAssertEqual(document.attachments.map(\.size), [0, 512, 608])
        XCTAssertTrue(document.children.isEmpty)
        let warnings = document.diagnostics.filter { $0.id == "ingest.email.attachment-failed" }
        XCTAssertEqual(warnings.count, 3, "\(document.diagnostics)")
        XCTAssertTrue(warnings.allSatisfy { $0.severity == .warning && $0.path == "message.eml" })
        XCTAssertTrue(warnings[0].summary.contains("\"empty.pdf\""), warnings[0].summary)
        XCTAssertTrue(warnings[0].summary.contains("file is empty"), warnings[0].summary)
        XCTAssertTrue(warnings[1].summary.contains("\"junk.txt\""), warnings[1].summary)
        XCTAssertTrue(warnings[1].summary.contains("binary"), warnings[1].summary)
        XCTAssertTrue(warnings[2].summary.contains("\"fake.doc\""), warnings[2].summary)
        XCTAssertTrue(warnings[2].explanation?.contains("[ingest.doc.") == true || warnings[2].explanation?
            .contains("[ingest.converter.missing]") == true, "\(warnings[2])")
    }

    func testAttachmentDepthLimitIsRespected() throws {
        func message(_ level: Int, attached: String?) -> String {
            var text = """
                From: level\(level)@example.org
                Subject: level \(level)
                Date: Tue, 04 Jun 2019 19:16:23 +0000
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b\(level)"

                --b\(level)
                Content-Type: text/plain

                Body of level \(level).

                """
            if let attached {
                text += """
                    --b\(level)
                    Content-Type: message/rfc822
                    Content-Disposition: attachment; filename="level\(level + 1).eml"

                    \(attached)

                    """
            }
            return text + "--b\(level)--\n"
        }
        var nested = message(3, attached: nil)
        for level in stride(from: 2, through: 0, by: -1) { nested = message(level, attached: nested) }

        var limits = IngestLimits()
        limits.maxAttachmentDepth = 2
        let root = try ingest(nested, limits: limits)
        XCTAssertEqual(root.field("Subject"), "level 0")
        let first = try XCTUnwrap(root.children.first)
        XCTAssertEqual(first.source.path, "message.eml!level1.eml")
        let second = try XCTUnwrap(first.children.first)
        XCTAssertEqual(second.source.path, "message.eml!level1.eml!level2.eml")
        XCTAssertTrue(second.children.isEmpty)
        XCTAssertEqual(second.attachments, [Attachment(name: "level3.eml", mediaType: "message/rfc822",
                                                       size: message(3, attached: nil).utf8.count,
                                                       ingested: false)])
        XCTAssertEqual(second.diagnostics.map(\.id), ["ingest.email.attachment-too-deep"])
        XCTAssertEqual(second.diagnostics.first?.path, "message.eml!level1.eml!level2.eml")
        XCTAssertTrue(second.diagnostics.first?.summary.contains("\"level3.eml\"") == true)
        XCTAssertTrue(root.diagnostics.isEmpty && first.diagnostics.isEmpty)
    }

    func testListedAttachmentsOfMailingListExtracts() throws {
        let document = try ingest("""
            Date: Fri, 26 May 2017 20:07:40 +0000
            From: "Rapporteur" <r@example.org>
            Subject: Proposed LS response
            X-Attachments-Listed: SP-170XX Reply LS to  SG 11.doc; SP-170146.zip

            Attached is a proposed response.
            """, name: "email.txt")
        XCTAssertEqual(document.source.format, .email)
        XCTAssertEqual(document.field("X-Attachments-Listed"), "SP-170XX Reply LS to SG 11.doc; SP-170146.zip")
        XCTAssertEqual(document.attachments, [
            Attachment(name: "SP-170XX Reply LS to  SG 11.doc", mediaType: nil, size: 0, ingested: false),
            Attachment(name: "SP-170146.zip", mediaType: nil, size: 0, ingested: false),
        ])
    }

    func testTruncatedAndDamagedMessagesNeverCrash() throws {
        let message = mixedMessage(attachments: """
            --outer
            Content-Type: message/rfc822

            From: a@example.org
            Subject: =?utf-8?B?4oCT?= inner
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: text/plain; charset=utf-8; format=flowed
            Content-Transfer-Encoding: quoted-printable

            soft =\nbreak =E2=80=93 end=
            --outer--
            --outer
            Content-Type: text/plain; name*0="a"; name*1*=utf-8''%E2%80%93.txt
            Content-Transfer-Encoding: base64

            SGVsbG8=
            """)
        let bytes = Array(message.utf8)
        for end in stride(from: 0, through: bytes.count, by: 3) {
            for damaged in [Array(bytes[..<end]), Array(bytes[..<end]) + [0xFF, 0x3D, 0x0A, 0x20, 0x3D, 0x3F]] {
                do {
                    let document = try MailReader().read(ReaderInput(path: "cut.eml", data: Data(damaged)))
                    try MailReaderTests.checkBlocks(document)
                } catch let error as IngestError {
                    XCTAssertFalse(error.id.isEmpty)
                }
            }
        }
    }

    // MARK: - Parser pieces

    func testParameterParsing() {
        let (head, parameters) = MailParser.splitParameters(
            #"attachment; filename*0*=UTF-8''%E2%80%9Cdraft; filename*1=" reply\"LS\".doc"; size=12"#)
        XCTAssertEqual(head, "attachment")
        XCTAssertEqual(parameters["filename"], "“draft reply\"LS\".doc")
        XCTAssertEqual(parameters["size"], "12")
        XCTAssertEqual(MailParser.splitParameters("text/plain; charset = \"UTF-8\" ;format=flowed").parameters,
                       ["charset": "UTF-8", "format": "flowed"])
    }

    func testTransferDecodingIsTolerant() {
        XCTAssertEqual(MailParser.decodeQuotedPrintable(ArraySlice("a=3Db=\r\nc =ZZ end=".utf8)),
                       Array("a=bc =ZZ end".utf8))
        XCTAssertEqual(MailParser.decodeBase64(ArraySlice("SGVs\r\nbG8g!d29y bGQ".utf8)), Array("Hello world".utf8))
        XCTAssertEqual(MailParser.decodeEncodedWords("=?utf-8?q?a?= =?utf-8?q?b?= c =?bogus"), "ab c =?bogus")
        // A character split over two encoded words.
        XCTAssertEqual(MailParser.decodeEncodedWords("=?UTF-8?B?4oA=?= =?UTF-8?B?kw==?= x"), "– x")
    }

    // MARK: - Real e-mails

    func testRealMailingListMessages() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let folder = corpus.appendingPathComponent("liaisons")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasPrefix("email-") && $0.hasSuffix(".txt") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 5)
        for name in names {
            let document = try Ingestor().ingest(path: folder.appendingPathComponent(name).path)
            try MailReaderTests.checkBlocks(document)
            XCTAssertEqual(document.source.format, .email, name)
            XCTAssertTrue(document.diagnostics.isEmpty, "\(name): \(document.diagnostics)")
            XCTAssertNotNil(document.field("From"), name)
            XCTAssertNotNil(document.field("Date"), name)
            let subject = try XCTUnwrap(document.field("Subject"), name)
            XCTAssertFalse(subject.contains("  "), name)
            XCTAssertTrue(document.text.contains("Subject: \(subject)\n"), name)
            XCTAssertFalse(blockTexts(document, .paragraph).isEmpty, name)
        }

        let reply = try Ingestor().ingest(path: folder.appendingPathComponent(
            "email-3gpp-itut-ahg-2019-06-04-sp-190531.txt").path)
        XCTAssertEqual(reply.field("Subject"),
                       "fyi: SP-190531 response to SP-190276 JCA-IMT2020 update on roadmap for (non-RAN) 5G standards")
        XCTAssertEqual(reply.attachments, [Attachment(name: "SP-190531.zip", mediaType: nil, size: 0, ingested: false)])
        XCTAssertTrue(reply.text.contains("I attach the draft reply LS in SP-190531."))
        XCTAssertTrue(blockTexts(reply, .paragraph).contains("Your comments are welcome."))

        // CRLF body lines, a forwarded header block and UTF-8 punctuation.
        let forwarded = try Ingestor().ingest(path: folder.appendingPathComponent(
            "email-3gpp-itut-ahg-2019-05-24-replying-sp-190005.txt").path)
        XCTAssertFalse(forwarded.text.contains("\r"))
        XCTAssertTrue(forwarded.text.contains("related to ‘buzzword’ topics?"))
        XCTAssertTrue(blockTexts(forwarded, .paragraph).contains { $0.hasPrefix("From: Erik Guttman\nSent: ") })
        XCTAssertNil(forwarded.field("X-Attachments-Listed"))
        XCTAssertTrue(forwarded.attachments.isEmpty)

        let draft = try Ingestor().ingest(path: folder.appendingPathComponent(
            "email-3gpp-sa2-mtce-2013-05-28-draft-ls-reply-onem2m.txt").path)
        XCTAssertNil(draft.field("Message-ID"))
        XCTAssertEqual(draft.attachments.map(\.name), ["draftS2-132101_was2002_1813+1733_ LS-reply-1M2M-r1-HZ.doc"])
    }
}
