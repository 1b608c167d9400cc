import DQText

/// The store's schema as an ordered list of named steps. A shipped step is never edited;
/// a change to the schema is a new step at the end. The store records every step applied.
struct Migration: Sendable {
    var version: Int
    var name: String
    var sql: String
    /// Work SQL cannot do, run after `sql` in the same transaction (converting stored values).
    var convert: (@Sendable (Database) throws -> Void)? = nil
}

enum Migrations {
    /// Samples have no secondary index and no copy of their dataset or split: one ingest is one
    /// transaction into one dataset and split, so the samples it adds have consecutive ids,
    /// recorded in `ingests` as `first_sample_id…last_sample_id`, and a dataset's split is read
    /// as rowid ranges, SQLite's fastest access path. Each row's content hash is kept only in
    /// `content_hashes`, where duplicate detection reads it.
    static let all: [Migration] = [
        Migration(version: 1, name: "samples, labels, ingests and runs", sql: """
            CREATE TABLE datasets (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL
            );
            CREATE TABLE labels (
                dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                position INTEGER NOT NULL,
                PRIMARY KEY (dataset_id, name)
            ) WITHOUT ROWID;
            CREATE TABLE ingests (
                id INTEGER PRIMARY KEY,
                dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                split TEXT NOT NULL,
                file TEXT NOT NULL,
                format TEXT NOT NULL,
                columns TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT NOT NULL,
                rows_read INTEGER NOT NULL,
                rows_new INTEGER NOT NULL,
                rows_duplicate INTEGER NOT NULL,
                rows_rejected INTEGER NOT NULL,
                first_sample_id INTEGER,
                last_sample_id INTEGER
            );
            CREATE TABLE rejected_rows (
                id INTEGER PRIMARY KEY,
                ingest_id INTEGER NOT NULL REFERENCES ingests(id) ON DELETE CASCADE,
                line INTEGER NOT NULL,
                reason TEXT NOT NULL,
                raw TEXT NOT NULL
            );
            CREATE TABLE samples (
                id INTEGER PRIMARY KEY,
                ingest_id INTEGER NOT NULL REFERENCES ingests(id) ON DELETE CASCADE,
                source_row INTEGER NOT NULL,
                external_id TEXT,
                text TEXT NOT NULL,
                text_pair TEXT,
                label TEXT NOT NULL,
                metadata TEXT
            );
            CREATE TABLE content_hashes (
                ingest_id INTEGER PRIMARY KEY REFERENCES ingests(id) ON DELETE CASCADE,
                dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                hashes BLOB NOT NULL
            );
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                dataset_id INTEGER REFERENCES datasets(id) ON DELETE CASCADE,
                parameters TEXT NOT NULL,
                seed INTEGER,
                dq_version TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
                message TEXT
            );
            CREATE INDEX runs_by_dataset ON runs(dataset_id, kind);
            """),
        Migration(version: 2, name: "PVI scores, out-of-sample probabilities, cartography", sql: """
            CREATE TABLE pvi_scores (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                fold INTEGER NOT NULL,
                label TEXT NOT NULL,
                predicted TEXT NOT NULL,
                p_input REAL NOT NULL,
                p_null REAL NOT NULL,
                h_null REAL NOT NULL,
                h_input REAL NOT NULL,
                pvi REAL NOT NULL,
                correct INTEGER NOT NULL,
                PRIMARY KEY (run_id, sample_id)
            ) WITHOUT ROWID;
            CREATE TABLE sample_probabilities (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                probabilities TEXT NOT NULL,
                PRIMARY KEY (run_id, sample_id)
            ) WITHOUT ROWID;
            CREATE TABLE cartography_dynamics (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                checkpoint INTEGER NOT NULL,
                gold_probability REAL NOT NULL,
                correct INTEGER NOT NULL,
                PRIMARY KEY (run_id, sample_id, checkpoint)
            ) WITHOUT ROWID;
            CREATE TABLE cartography_points (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                confidence REAL NOT NULL,
                variability REAL NOT NULL,
                correctness REAL NOT NULL,
                forgetting_events INTEGER NOT NULL,
                never_learned INTEGER NOT NULL,
                region TEXT NOT NULL,
                PRIMARY KEY (run_id, sample_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 3, name: "label-pair divergence", sql: """
            CREATE TABLE label_divergence (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                label_a TEXT NOT NULL,
                label_b TEXT NOT NULL,
                divergence REAL NOT NULL,
                samples_a INTEGER NOT NULL,
                samples_b INTEGER NOT NULL,
                tokens_a INTEGER NOT NULL,
                tokens_b INTEGER NOT NULL,
                toward_a TEXT NOT NULL,
                toward_b TEXT NOT NULL,
                PRIMARY KEY (run_id, label_a, label_b)
            ) WITHOUT ROWID;
            """),
        Migration(version: 4, name: "label suspects, label issues, conflicts and corrections", sql: """
            CREATE TABLE run_summaries (
                run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
                summary TEXT NOT NULL
            );
            CREATE TABLE spec_suspects (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                suggested_label TEXT NOT NULL,
                position INTEGER NOT NULL,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                score REAL NOT NULL,
                evidence TEXT NOT NULL,
                PRIMARY KEY (run_id, suggested_label, position)
            ) WITHOUT ROWID;
            CREATE TABLE label_issues (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                given_label TEXT NOT NULL,
                suggested_label TEXT NOT NULL,
                quality REAL NOT NULL,
                PRIMARY KEY (run_id, position)
            ) WITHOUT ROWID;
            CREATE TABLE conflicts (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_a INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                sample_b INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                similarity REAL NOT NULL,
                PRIMARY KEY (run_id, sample_a, sample_b)
            ) WITHOUT ROWID;
            CREATE TABLE suspects (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                score REAL NOT NULL,
                suggested_label TEXT,
                reasons TEXT NOT NULL,
                PRIMARY KEY (run_id, position)
            ) WITHOUT ROWID;
            CREATE TABLE correction_imports (
                id INTEGER PRIMARY KEY,
                dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                file TEXT NOT NULL,
                annotator TEXT,
                imported_at TEXT NOT NULL
            );
            CREATE TABLE corrections (
                id INTEGER PRIMARY KEY,
                import_id INTEGER NOT NULL REFERENCES correction_imports(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                old_label TEXT NOT NULL,
                new_label TEXT NOT NULL,
                annotator TEXT
            );
            CREATE INDEX corrections_by_sample ON corrections(sample_id, id);
            """),
        Migration(version: 5, name: "data selections", sql: """
            CREATE TABLE selections (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                PRIMARY KEY (run_id, sample_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 6, name: "out-of-sample probabilities as packed doubles", sql: """
            CREATE TABLE sample_probabilities_packed (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                probabilities BLOB NOT NULL,
                PRIMARY KEY (run_id, sample_id)
            ) WITHOUT ROWID;
            """, convert: Migrations.packProbabilities),
        Migration(version: 7, name: "the process that runs a run", sql: """
            ALTER TABLE runs ADD COLUMN pid INTEGER;
            ALTER TABLE runs ADD COLUMN host TEXT;
            """),
        // Regions were exclusive (ambiguous first, then hard- and easy-to-learn among the rest);
        // allenai/cartography selects each on its own. Stored runs are reselected from their
        // stored points and share, exactly as `DatasetCartography.map` now selects.
        Migration(version: 8, name: "cartography regions selected independently", sql: """
            ALTER TABLE cartography_points ADD COLUMN easy INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE cartography_points ADD COLUMN ambiguous INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE cartography_points ADD COLUMN hard INTEGER NOT NULL DEFAULT 0;
            WITH ranked AS (
                SELECT p.run_id, p.sample_id,
                       ROW_NUMBER() OVER (PARTITION BY p.run_id ORDER BY p.variability DESC, p.sample_id) AS by_variability,
                       ROW_NUMBER() OVER (PARTITION BY p.run_id ORDER BY p.confidence ASC, p.sample_id) AS by_low_confidence,
                       ROW_NUMBER() OVER (PARTITION BY p.run_id ORDER BY p.confidence DESC, p.sample_id) AS by_high_confidence,
                       CAST(COALESCE(json_extract(r.parameters, '$.share'), 0.33) * COUNT(*) OVER (PARTITION BY p.run_id) AS INTEGER) + 1 AS size
                FROM cartography_points p JOIN runs r ON r.id = p.run_id
            )
            UPDATE cartography_points
            SET easy = ranked.by_high_confidence <= ranked.size,
                ambiguous = ranked.by_variability <= ranked.size,
                hard = ranked.by_low_confidence <= ranked.size
            FROM ranked
            WHERE cartography_points.run_id = ranked.run_id AND cartography_points.sample_id = ranked.sample_id;
            ALTER TABLE cartography_points DROP COLUMN region;
            """),
        Migration(version: 9, name: "permutation baselines of label-pair divergence", sql: """
            ALTER TABLE label_divergence ADD COLUMN baseline REAL;
            """),
        Migration(version: 10, name: "evaluations on planted label errors", sql: """
            CREATE TABLE evaluation_metrics (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                repeat INTEGER NOT NULL,
                position INTEGER NOT NULL,
                signal TEXT NOT NULL,
                precision_at_k REAL NOT NULL,
                recall_at_k REAL NOT NULL,
                average_precision REAL NOT NULL,
                auroc REAL NOT NULL,
                seconds REAL NOT NULL,
                PRIMARY KEY (run_id, repeat, position)
            ) WITHOUT ROWID;
            CREATE TABLE evaluation_planted (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                repeat INTEGER NOT NULL,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                planted_label TEXT NOT NULL,
                PRIMARY KEY (run_id, repeat, sample_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 11, name: "the probability that a suspect's label is wrong", sql: """
            ALTER TABLE suspects ADD COLUMN probability REAL;
            """),
        Migration(version: 12, name: "sentence embeddings kept between runs", sql: """
            CREATE TABLE embeddings (
                encoder TEXT NOT NULL,
                text TEXT NOT NULL,
                vector BLOB NOT NULL,
                PRIMARY KEY (encoder, text)
            ) WITHOUT ROWID;
            """),
        Migration(version: 13, name: "annotators, their annotations, consensus labels, multi-label datasets", sql: """
            ALTER TABLE datasets ADD COLUMN multi_label INTEGER NOT NULL DEFAULT 0;
            CREATE TABLE annotators (
                id INTEGER PRIMARY KEY,
                dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                name TEXT NOT NULL,
                UNIQUE (dataset_id, name)
            );
            CREATE TABLE annotations (
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
                label TEXT NOT NULL,
                annotated_at TEXT,
                ingest_id INTEGER NOT NULL REFERENCES ingests(id) ON DELETE CASCADE,
                PRIMARY KEY (sample_id, annotator_id, label)
            ) WITHOUT ROWID;
            CREATE TABLE consensus_samples (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
                label TEXT NOT NULL,
                quality REAL NOT NULL,
                agreement REAL NOT NULL,
                annotations INTEGER NOT NULL,
                PRIMARY KEY (run_id, sample_id)
            ) WITHOUT ROWID;
            CREATE TABLE consensus_annotators (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
                quality REAL,
                agreement REAL,
                worst_label TEXT,
                items INTEGER NOT NULL,
                PRIMARY KEY (run_id, annotator_id)
            ) WITHOUT ROWID;
            """),
        Migration(version: 14, name: "the fusion dq evaluate fits, as typed rows", sql: """
            CREATE TABLE fusion_weights (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                feature TEXT NOT NULL CHECK (feature IN ('intercept', 'rank', 'tail')),
                signal TEXT,
                model TEXT,
                weight REAL NOT NULL,
                PRIMARY KEY (run_id, position)
            ) WITHOUT ROWID;
            """, convert: Migrations.fusionRows),
        Migration(version: 15, name: "confident learning's count of label errors in each evaluate repeat", sql: """
            CREATE TABLE evaluation_counts (
                run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
                repeat INTEGER NOT NULL,
                samples INTEGER NOT NULL,
                rate REAL NOT NULL,
                planted INTEGER NOT NULL,
                counted INTEGER NOT NULL,
                PRIMARY KEY (run_id, repeat)
            ) WITHOUT ROWID;
            """),
        Migration(version: 16, name: "how ambiguous a suspect is", sql: """
            ALTER TABLE suspects ADD COLUMN ambiguity REAL;
            """),
        // The labels a run used: the given labels with every correction import up to this id
        // applied; NULL, the given labels.
        Migration(version: 17, name: "the label version of each run", sql: """
            ALTER TABLE runs ADD COLUMN label_version INTEGER;
            """),
        // What is known about an annotator (ArMIS's profile): a JSON object of text values.
        Migration(version: 18, name: "annotator attributes", sql: """
            ALTER TABLE annotators ADD COLUMN attributes TEXT;
            """),
        // What is known about one annotation (ConvAbuse's abuse types per annotator): a JSON object.
        Migration(version: 19, name: "annotation metadata", sql: """
            ALTER TABLE annotations ADD COLUMN metadata TEXT;
            """),
    ]

    /// Migration 14: the fusion an evaluate run kept in its summary as JSON keys
    /// (`fusion_features`: "bow PVI", "bow PVI: tail", …; `fusion_weights`: intercept first)
    /// becomes rows of `fusion_weights`, and the keys leave the summary.
    static func fusionRows(_ database: Database) throws {
        let insert = try database.prepare("INSERT INTO fusion_weights (run_id, position, feature, signal, model, weight) VALUES (?, ?, ?, ?, ?, ?)")
        for row in try database.rows("SELECT run_id, summary FROM run_summaries WHERE run_id IN (SELECT id FROM runs WHERE kind = 'evaluate')") {
            let run = try row.int64(0)
            guard case .object(let entries)? = try? JSONValue.parse(try row.string(1)),
                  case .array(let names)? = entries.first(where: { $0.0 == "fusion_features" })?.1,
                  case .array(let weights)? = entries.first(where: { $0.0 == "fusion_weights" })?.1 else { continue }
            let features = try names.map { name -> (feature: String, signal: String, model: String?) in
                guard let text = name.scalarText, let parsed = legacyFeature(text) else {
                    throw StoreError.inconsistent("run \(run): unknown fusion feature \(name.jsonText)")
                }
                return parsed
            }
            let values = weights.compactMap { if case .number(let w) = $0 { w } else { nil } }
            guard values.count == features.count + 1 else { throw StoreError.inconsistent("run \(run): \(values.count) fusion weights for \(features.count) features") }
            let rows: [[SQLValue]] = [[.text("intercept"), .null, .null, .real(values[0])]]
                + zip(features, values.dropFirst()).map { f, w in [.text(f.feature), .text(f.signal), SQLValue(f.model), .real(w)] }
            for (position, values) in rows.enumerated() {
                insert.reset()
                try insert.bind([.integer(run), .integer(Int64(position))] + values)
                try insert.runToEnd()
            }
            let rest = JSONValue.object(entries.filter { $0.0 != "fusion_features" && $0.0 != "fusion_weights" })
            try database.run("UPDATE run_summaries SET summary = ? WHERE run_id = ?", [.text(rest.jsonText), .integer(run)])
        }
    }

    /// A feature as the earlier dq named it: "<signal>" or "<signal>: tail", with the signal's display name.
    static func legacyFeature(_ name: String) -> (feature: String, signal: String, model: String?)? {
        let tail = name.hasSuffix(": tail")
        let signal = tail ? String(name.dropLast(": tail".count)) : name
        let feature = tail ? "tail" : "rank"
        switch signal {
        case "cartography": return (feature, "cartography", nil)
        case "specifications": return (feature, "specifications", nil)
        case "conflicting duplicates": return (feature, "conflicts", nil)
        case "annotator disagreement": return (feature, "annotators", nil)
        default:
            if signal.hasSuffix(" PVI") { return (feature, "pvi", String(signal.dropLast(" PVI".count))) }
            if signal.hasPrefix("confident learning ("), signal.hasSuffix(")") {
                return (feature, "confident-learning", String(signal.dropFirst("confident learning (".count).dropLast()))
            }
            return nil
        }
    }

    /// Migration 6: every probability vector stored as JSON text is rewritten as packed
    /// doubles (`PackedFloats`), the same values bit for bit; the old table is replaced.
    static func packProbabilities(_ database: Database) throws {
        let insert = try database.prepare("INSERT INTO sample_probabilities_packed (run_id, sample_id, probabilities) VALUES (?, ?, ?)")
        let read = try database.prepare("SELECT run_id, sample_id, probabilities FROM sample_probabilities ORDER BY run_id, sample_id")
        while let row = try read.step() {
            let text = try row.string(2)
            guard case .array(let items)? = try? JSONValue.parse(text) else {
                throw StoreError.inconsistent("run \(try row.int64(0)): unreadable probabilities of sample \(try row.int64(1))")
            }
            let values = try items.map { item -> Double in
                guard case .number(let x) = item else {
                    throw StoreError.inconsistent("run \(try row.int64(0)): a probability of sample \(try row.int64(1)) is not a number")
                }
                return x
            }
            insert.reset()
            try insert.bind([row[0], row[1], .blob(PackedFloats.pack(values))])
            try insert.runToEnd()
        }
        try database.execute("""
            DROP TABLE sample_probabilities;
            ALTER TABLE sample_probabilities_packed RENAME TO sample_probabilities;
            """)
    }
}
