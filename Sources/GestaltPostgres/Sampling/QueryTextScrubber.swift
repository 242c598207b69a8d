/// Turns a query's text into what may be shown: every literal (strings,
/// `E'…'` escapes, dollar quotes, numbers) becomes `?`, comments go, runs of
/// white space become one space, and the result is cut to a limit.
///
/// `pg_stat_activity.query` holds the text as the client sent it, so a client
/// that inlines its values (simple query protocol) would otherwise show them:
/// parameters never leave the collector, whichever protocol the client used.
/// `$1`-style placeholders stay, they carry no value. Text cut off by the
/// server in the middle of a literal counts as a literal up to its end.
package enum QueryTextScrubber {
    package static func scrub(_ text: String, limit: Int) -> String {
        let chars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var pendingSpace = false

        func emit(_ scalar: Unicode.Scalar) {
            if pendingSpace, !out.isEmpty { out.append(" ") }
            pendingSpace = false
            out.append(scalar)
        }
        func emit(_ string: String) { for scalar in string.unicodeScalars { emit(scalar) } }
        func isIdentifier(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "$"
        }
        let previousIsIdentifier = { (index: Int) -> Bool in index > 0 && isIdentifier(chars[index - 1]) }

        while i < chars.count {
            let c = chars[i]
            let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
            if c.properties.isWhitespace {
                pendingSpace = true
                i += 1
            } else if c == "-", next == "-" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                pendingSpace = true
            } else if c == "/", next == "*" {
                i += 2
                while i < chars.count, !(chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/") { i += 1 }
                i += 2
                pendingSpace = true
            } else if c == "'" {
                // A one-letter prefix (E'…', X'…', B'…', N'…') belongs to the literal;
                // only E'…' knows backslash escapes.
                var escapes = false
                if i > 0, "EeXxBbNn".unicodeScalars.contains(chars[i - 1]), !previousIsIdentifier(i - 1) {
                    escapes = chars[i - 1] == "E" || chars[i - 1] == "e"
                    out.removeLast()
                }
                i = skipQuoted(chars, from: i + 1, backslashEscapes: escapes)
                emit("?")
            } else if c == "\"" {
                // A quoted identifier is a name, not a value: kept as written.
                let end = min(skipQuoted(chars, from: i + 1, quote: "\"", backslashEscapes: false), chars.count)
                for scalar in chars[i..<end] { emit(scalar) }
                i = end
            } else if c == "$", !previousIsIdentifier(i), let tagEnd = dollarTagEnd(chars, from: i) {
                let tag = Array(chars[i...tagEnd])
                i = tagEnd + 1
                while i < chars.count, !chars[i...].starts(with: tag) { i += 1 }
                i = min(i + tag.count, chars.count)
                emit("?")
            } else if ("0"..."9").contains(c) || (c == "." && next.map { ("0"..."9").contains($0) } == true),
                !previousIsIdentifier(i)
            {
                i = skipNumber(chars, from: i)
                emit("?")
            } else {
                emit(c)
                i += 1
            }
        }
        let scrubbed = String(out)
        guard scrubbed.count > limit else { return scrubbed }
        return String(scrubbed.prefix(max(limit - 1, 0))) + "…"
    }

    /// The index after the closing quote; a doubled quote is one quote inside.
    private static func skipQuoted(
        _ chars: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar = "'", backslashEscapes: Bool
    ) -> Int {
        var i = start
        while i < chars.count {
            if backslashEscapes, chars[i] == "\\" {
                i += 2
            } else if chars[i] == quote {
                if i + 1 < chars.count, chars[i + 1] == quote { i += 2 } else { return i + 1 }
            } else {
                i += 1
            }
        }
        return chars.count
    }

    /// The index of the closing `$` of a `$tag$` opening at `start`, or nil
    /// when this `$` is not one (e.g. the placeholder `$1`).
    private static func dollarTagEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int? {
        var i = start + 1
        while i < chars.count {
            let c = chars[i]
            if c == "$" { return i }
            let allowed = c.properties.isAlphabetic || c == "_" || (i > start + 1 && ("0"..."9").contains(c))
            guard allowed else { return nil }
            i += 1
        }
        return nil
    }

    private static func skipNumber(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i < chars.count {
            let c = chars[i]
            if ("0"..."9").contains(c) || c == "." || c == "_" {
                i += 1
            } else if c == "e" || c == "E", i + 1 < chars.count,
                ("0"..."9").contains(chars[i + 1])
                    || ((chars[i + 1] == "+" || chars[i + 1] == "-") && i + 2 < chars.count
                        && ("0"..."9").contains(chars[i + 2]))
            {
                i += 2
            } else {
                return i
            }
        }
        return i
    }
}
