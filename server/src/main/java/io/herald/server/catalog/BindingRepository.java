package io.herald.server.catalog;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

interface BindingRepository extends JpaRepository<BindingEntity, Long> {

    @Query("select b from BindingEntity b join fetch b.app a join fetch b.topic t"
            + " where (?1 = '' or a.name = ?1) and (?2 = '' or t.name = ?2) and (?3 = '' or b.groupName = ?3)"
            + " order by b.id")
    List<BindingEntity> search(String app, String topic, String group);

    boolean existsByTopic(TopicEntity topic);

    long countByTopic(TopicEntity topic);

    boolean existsByApp(AppEntity app);

    @Query("select count(b) > 0 from BindingEntity b where b.groupName = ?1 and b.app <> ?2")
    boolean groupUsedByOtherApp(String group, AppEntity app);

    @Query("select count(b) > 0 from BindingEntity b where b.topic = ?1 and b.kind = io.herald.server.catalog.BindingKind.DIRECT and b.typePattern = ?2")
    boolean directBindingOnType(TopicEntity topic, String type);

    boolean existsByAppAndGroupNameAndTopicAndKindAndTypePattern(AppEntity app, String group, TopicEntity topic,
                                                                 BindingKind kind, String typePattern);
}
