package io.herald.server.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ApiKeyRepository extends JpaRepository<ApiKeyEntity, Long> {

    @Query("select k from ApiKeyEntity k join fetch k.app where k.hash = ?1 and k.revokedAt is null")
    Optional<ApiKeyEntity> findActiveByHash(String hash);

    List<ApiKeyEntity> findByAppOrderByIdAsc(AppEntity app);
}
