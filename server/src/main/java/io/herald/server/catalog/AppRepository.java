package io.herald.server.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface AppRepository extends JpaRepository<AppEntity, Long> {

    Optional<AppEntity> findByName(String name);

    List<AppEntity> findAllByOrderByNameAsc();

    List<AppEntity> findByNameIn(List<String> names);
}
