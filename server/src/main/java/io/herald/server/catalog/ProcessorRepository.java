package io.herald.server.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface ProcessorRepository extends JpaRepository<ProcessorEntity, Long> {

    @Query("select p from ProcessorEntity p join fetch p.binding b join fetch b.app a join fetch b.topic"
            + " where (?1 = '' or a.name = ?1) order by p.id")
    List<ProcessorEntity> search(String app);

    Optional<ProcessorEntity> findByBinding(BindingEntity binding);
}
