-- Finsam: PostgreSQL schema for the Orleans ADO.NET providers Finsam uses
--   * Microsoft.Orleans.Clustering.AdoNet  (membership of the silos)
--   * Microsoft.Orleans.Persistence.AdoNet (grain storage "runs")
--
-- Applied by `finsam db init --connection "..."` (DbSchema.ApplyAsync), inside one
-- transaction under an advisory lock. Every statement is idempotent, so the script
-- can be applied any number of times, also on a database that already holds
-- Orleans' own tables (they have the same names and columns).
--
-- The contract with Orleans, learnt from the providers' sources:
--   * Orleans reads the rows of OrleansQuery (QueryKey, QueryText) at start-up and
--     runs those texts with named parameters (@DeploymentId, @GrainIdHash, ...).
--   * Results are read by column name (case-insensitive) or, for the "boolean"
--     queries, as one row with one column: > 0 is success, 0 is failure.
--   * The membership version is an optimistic-concurrency token: a write that
--     changes membership must bump it only if the caller's @Version is current,
--     and must change nothing at all when it fails.
-- Column values Orleans uses for SiloStatus: 3 = Active (see CleanupDefunctSiloEntriesKey).

-- ---------------------------------------------------------------------------
-- Queries Orleans runs
-- ---------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);

-- ---------------------------------------------------------------------------
-- Clustering (membership)
-- ---------------------------------------------------------------------------
-- One row per cluster (Orleans calls the ClusterId "DeploymentId" here).
CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
(
    DeploymentId varchar(150) NOT NULL,
    Timestamp    timestamptz  NOT NULL DEFAULT now(),
    Version      integer      NOT NULL DEFAULT 0,
    CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
);

-- One row per silo incarnation (address, port, generation).
CREATE TABLE IF NOT EXISTS OrleansMembershipTable
(
    DeploymentId varchar(150)  NOT NULL,
    Address      varchar(45)   NOT NULL,
    Port         integer       NOT NULL,
    Generation   integer       NOT NULL,
    SiloName     varchar(150)  NOT NULL,
    HostName     varchar(150)  NOT NULL,
    Status       integer       NOT NULL,
    ProxyPort    integer       NULL,
    SuspectTimes varchar(8000) NULL,
    StartTime    timestamptz   NOT NULL,
    IAmAliveTime timestamptz   NOT NULL,
    CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
    CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId
        FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
);

-- Adds a silo row if, and only if, the caller's table version is current.
-- Returns 1 on success, 0 otherwise; on 0 nothing has changed.
CREATE OR REPLACE FUNCTION finsam_membership_insert(
    p_deployment_id varchar,
    p_address       varchar,
    p_port          integer,
    p_generation    integer,
    p_silo_name     varchar,
    p_host_name     varchar,
    p_status        integer,
    p_proxy_port    integer,
    p_start_time    timestamptz,
    p_i_am_alive    timestamptz,
    p_version       integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    -- The inner block is a subtransaction: raising inside it undoes the version bump.
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version = Version + 1, Timestamp = now()
         WHERE DeploymentId = p_deployment_id
           AND Version = p_version;
        IF NOT FOUND THEN
            RETURN 0;  -- stale version (or unknown cluster): nothing written
        END IF;

        INSERT INTO OrleansMembershipTable
            (DeploymentId, Address, Port, Generation, SiloName, HostName,
             Status, ProxyPort, StartTime, IAmAliveTime)
        VALUES
            (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
             p_status, p_proxy_port, p_start_time, p_i_am_alive)
        ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'finsam: silo row already present' USING ERRCODE = 'FS001';
        END IF;
        RETURN 1;
    EXCEPTION WHEN SQLSTATE 'FS001' THEN
        RETURN 0;
    END;
END
$fn$;

-- Changes a silo row's status, suspicions and heartbeat if, and only if, the
-- caller's table version is current. Returns 1 on success, 0 otherwise.
CREATE OR REPLACE FUNCTION finsam_membership_update(
    p_deployment_id varchar,
    p_address       varchar,
    p_port          integer,
    p_generation    integer,
    p_status        integer,
    p_suspect_times varchar,
    p_i_am_alive    timestamptz,
    p_version       integer)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
BEGIN
    BEGIN
        UPDATE OrleansMembershipVersionTable
           SET Version = Version + 1, Timestamp = now()
         WHERE DeploymentId = p_deployment_id
           AND Version = p_version;
        IF NOT FOUND THEN
            RETURN 0;
        END IF;

        UPDATE OrleansMembershipTable
           SET Status = p_status,
               SuspectTimes = p_suspect_times,
               IAmAliveTime = p_i_am_alive
         WHERE DeploymentId = p_deployment_id
           AND Address = p_address
           AND Port = p_port
           AND Generation = p_generation;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'finsam: silo row missing' USING ERRCODE = 'FS002';
        END IF;
        RETURN 1;
    EXCEPTION WHEN SQLSTATE 'FS002' THEN
        RETURN 0;
    END;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey', $q$
WITH added AS (
    INSERT INTO OrleansMembershipVersionTable (DeploymentId)
    VALUES (@DeploymentId)
    ON CONFLICT (DeploymentId) DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer AS row_count FROM added;
$q$),
('InsertMembershipKey', $q$
SELECT finsam_membership_insert(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS row_count;
$q$),
('UpdateMembershipKey', $q$
SELECT finsam_membership_update(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS row_count;
$q$),
('UpdateIAmAlivetimeKey', $q$
UPDATE OrleansMembershipTable
   SET IAmAliveTime = @IAmAliveTime
 WHERE DeploymentId = @DeploymentId
   AND Address = @Address
   AND Port = @Port
   AND Generation = @Generation;
$q$),
('MembershipReadRowKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
        AND m.Address = @Address
        AND m.Port = @Port
        AND m.Generation = @Generation
 WHERE v.DeploymentId = @DeploymentId;
$q$),
('MembershipReadAllKey', $q$
SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName,
       m.Status, m.ProxyPort, m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
  FROM OrleansMembershipVersionTable v
  LEFT JOIN OrleansMembershipTable m
         ON m.DeploymentId = v.DeploymentId
 WHERE v.DeploymentId = @DeploymentId;
$q$),
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
$q$),
('GatewaysQueryKey', $q$
SELECT Address, ProxyPort, Generation
  FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND Status = @Status
   AND ProxyPort > 0;
$q$),
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM OrleansMembershipTable
 WHERE DeploymentId = @DeploymentId
   AND IAmAliveTime < @IAmAliveTime
   AND Status <> 3;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- ---------------------------------------------------------------------------
-- Grain persistence (storage "runs", and any other ADO.NET storage)
-- ---------------------------------------------------------------------------
-- One row per (service, grain type, grain id). PayloadBinary NULL = cleared state.
CREATE TABLE IF NOT EXISTS OrleansStorage
(
    GrainIdHash            integer      NOT NULL,
    GrainIdN0              bigint       NOT NULL,
    GrainIdN1              bigint       NOT NULL,
    GrainTypeHash          integer      NOT NULL,
    GrainTypeString        varchar(512) NOT NULL,
    GrainIdExtensionString varchar(512) NULL,
    ServiceId              varchar(150) NOT NULL,
    PayloadBinary          bytea        NULL,
    ModifiedOn             timestamptz  NOT NULL DEFAULT now(),
    Version                integer      NULL
);

CREATE INDEX IF NOT EXISTS ix_orleansstorage ON OrleansStorage (GrainIdHash, GrainTypeHash);

-- Writes a grain's state with optimistic concurrency.
--   p_version NULL: first write; succeeds only if no row exists yet (new version 1).
--   p_version n:    succeeds only if the stored version is n (new version n + 1).
-- Returns the new version, or p_version unchanged when the write did not happen,
-- which Orleans turns into an InconsistentStateException.
CREATE OR REPLACE FUNCTION finsam_storage_write(
    p_grain_id_hash  integer,
    p_grain_id_n0    bigint,
    p_grain_id_n1    bigint,
    p_grain_type_hash integer,
    p_grain_type     varchar,
    p_grain_id_ext   varchar,
    p_service_id     varchar,
    p_version        integer,
    p_payload        bytea)
RETURNS TABLE (NewGrainStateVersion integer)
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_new integer := p_version;
BEGIN
    IF p_version IS NOT NULL THEN
        UPDATE OrleansStorage s
           SET PayloadBinary = p_payload,
               ModifiedOn = now(),
               Version = s.Version + 1
         WHERE s.GrainIdHash = p_grain_id_hash
           AND s.GrainTypeHash = p_grain_type_hash
           AND s.GrainIdN0 = p_grain_id_n0
           AND s.GrainIdN1 = p_grain_id_n1
           AND s.GrainTypeString = p_grain_type
           AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
           AND s.ServiceId = p_service_id
           AND s.Version = p_version;
        IF FOUND THEN
            v_new := p_version + 1;
        END IF;
    ELSE
        -- Serialise concurrent first writes of grains with the same hash, so that
        -- exactly one of them inserts (key space 7411 is Finsam's storage lock).
        PERFORM pg_advisory_xact_lock(7411, p_grain_id_hash);
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString,
             GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
        SELECT p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type,
               p_grain_id_ext, p_service_id, p_payload, now(), 1
         WHERE NOT EXISTS (
               SELECT 1 FROM OrleansStorage s
                WHERE s.GrainIdHash = p_grain_id_hash
                  AND s.GrainTypeHash = p_grain_type_hash
                  AND s.GrainIdN0 = p_grain_id_n0
                  AND s.GrainIdN1 = p_grain_id_n1
                  AND s.GrainTypeString = p_grain_type
                  AND s.GrainIdExtensionString IS NOT DISTINCT FROM p_grain_id_ext
                  AND s.ServiceId = p_service_id);
        IF FOUND THEN
            v_new := 1;
        END IF;
    END IF;
    RETURN QUERY SELECT v_new;
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', $q$
SELECT NewGrainStateVersion
  FROM finsam_storage_write(@GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
                            @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary);
$q$),
('ReadFromStorageKey', $q$
SELECT PayloadBinary, Version
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
   AND ServiceId = @ServiceId;
$q$),
('ClearStorageKey', $q$
UPDATE OrleansStorage
   SET PayloadBinary = NULL, ModifiedOn = now(), Version = Version + 1
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
   AND ServiceId = @ServiceId
   AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash
   AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0
   AND GrainIdN1 = @GrainIdN1
   AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString::varchar
   AND ServiceId = @ServiceId
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
