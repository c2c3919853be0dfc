package io.herald.server.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ApiKeyRepository extends JpaRepository<ApiKeyEntity, Long> {

    @Query("select k from ApiKeyEntity k join fetch k.app where k.hash = ?1 and k.revokedAt is null")
    Optional<ApiKeyEntity> findActiveByHash(String hash);

    /** Hash and app of those of {@code hashes} that are still active keys. */
    @Query("select k.hash, k.app.name from ApiKeyEntity k where k.hash in ?1 and k.revokedAt is null")
    List<Object[]> findActiveApps(java.util.Collection<String> hashes);

    List<ApiKeyEntity> findByAppOrderByIdAsc(AppEntity app);
}
