package io.herald.server.catalog;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface TopicRepository extends JpaRepository<TopicEntity, Long> {

    @Query("select t from TopicEntity t join fetch t.app left join fetch t.types where t.name = ?1")
    Optional<TopicEntity> findByName(String name);

    boolean existsByCollisionName(String collisionName);

    /** Topics by name or description and owner; with a {@code reader} app, only the topics that app may read. */
    @Query(value = "select t from TopicEntity t join fetch t.app a"
            + " where (?1 = '' or lower(t.name) like ?1 escape '\\' or lower(t.description) like ?1 escape '\\')"
            + " and (?2 = '' or a.name = ?2)" + READABLE,
            countQuery = "select count(t) from TopicEntity t join t.app a"
            + " where (?1 = '' or lower(t.name) like ?1 escape '\\' or lower(t.description) like ?1 escape '\\')"
            + " and (?2 = '' or a.name = ?2)" + READABLE)
    Page<TopicEntity> search(String likePattern, String app, String reader, Pageable pageable);

    /** What {@link TopicEntity#mayRead} says, for app {@code ?3} ('' for every topic). */
    String READABLE = " and (?3 = '' or t.consumerPolicy = io.herald.server.catalog.ConsumerPolicy.OPEN or a.name = ?3"
            + " or exists (select 1 from TopicEntity c join c.consumers ca where c = t and ca.name = ?3)"
            + " or exists (select 1 from TopicEntity p join p.producers pa where p = t and pa.name = ?3))";

    /** The columns of {@link TopicSummary} (id first), same filter as {@link #search}; no entities are loaded. */
    @Query(value = "select t.id, t.name, a.name, t.partitions, t.retentionMs, t.description from TopicEntity t join t.app a"
            + " where (?1 = '' or lower(t.name) like ?1 escape '\\' or lower(t.description) like ?1 escape '\\')"
            + " and (?2 = '' or a.name = ?2)",
            countQuery = "select count(t) from TopicEntity t join t.app a"
            + " where (?1 = '' or lower(t.name) like ?1 escape '\\' or lower(t.description) like ?1 escape '\\')"
            + " and (?2 = '' or a.name = ?2)")
    Page<Object[]> searchRows(String likePattern, String app, Pageable pageable);

    /** Pairs of topic id and type name for the given topics, by type name. */
    @Query("select mt.topic.id, mt.name from MessageTypeEntity mt where mt.topic.id in ?1 order by mt.name")
    List<Object[]> typeNames(java.util.Collection<Long> topicIds);

    long countByApp(AppEntity app);

    @Query("select distinct t from TopicEntity t join fetch t.app left join t.producers p where t.app = ?1 or p = ?1")
    List<TopicEntity> findProducibleBy(AppEntity app);
}
